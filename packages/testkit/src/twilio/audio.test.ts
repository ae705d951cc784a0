import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMulaw, encodeMulaw, linearToMulaw, MULAW_SILENCE, mulawToLinear } from '../audio/mulaw.js';
import { mulawTone } from './mulaw.js';
import { mulawWav, readWavAsMulaw, writeWav } from './wav.js';

const dir = mkdtempSync(join(tmpdir(), 'twilio-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pcmWav(samples: Int16Array, sampleRate: number, channels = 1): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (const [i, sample] of samples.entries()) data.writeInt16LE(sample, i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2 * channels, 28);
  header.writeUInt16LE(2 * channels, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('mu-law', () => {
  it('encodes silence as 0xFF and the extremes as G.711 does', () => {
    expect(linearToMulaw(0)).toBe(MULAW_SILENCE);
    expect(linearToMulaw(32_767)).toBe(0x80);
    expect(linearToMulaw(-32_768)).toBe(0x00);
    expect(mulawToLinear(MULAW_SILENCE)).toBe(0);
    expect(mulawToLinear(0x80)).toBe(32_124);
    expect(mulawToLinear(0x00)).toBe(-32_124);
  });

  it('round-trips every byte exactly and samples within the quantisation step', () => {
    for (let byte = 0; byte < 256; byte++) {
      // 0x7F and 0xFF both decode to zero; zero encodes as 0xFF.
      if (byte === 0x7f) continue;
      expect(linearToMulaw(mulawToLinear(byte))).toBe(byte);
    }
    const samples = Int16Array.from({ length: 1_000 }, (_, i) => Math.round(Math.sin(i / 7) * 20_000));
    const decoded = decodeMulaw(encodeMulaw(samples));
    samples.forEach((sample, i) => {
      expect(Math.abs((decoded[i] as number) - sample)).toBeLessThanOrEqual(Math.abs(sample) / 16 + 8);
    });
  });
});

describe('WAV', () => {
  it('writes a mu-law WAV that reads back byte for byte', () => {
    const audio = mulawTone(333);
    const path = join(dir, 'tone.wav');
    writeWav(path, audio);
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('RIFF');
    expect(readWavAsMulaw(path).equals(audio)).toBe(true);
    expect(readWavAsMulaw(mulawWav(audio)).equals(audio)).toBe(true);
  });

  it('converts 16-bit PCM at 8 kHz and 16 kHz to 8 kHz mu-law', () => {
    const narrow = Int16Array.from({ length: 800 }, (_, i) => Math.round(Math.sin(i / 5) * 8_000));
    expect(readWavAsMulaw(pcmWav(narrow, 8_000)).equals(encodeMulaw(narrow))).toBe(true);

    const wide = Int16Array.from({ length: 1_600 }, () => 4_000);
    const converted = readWavAsMulaw(pcmWav(wide, 16_000));
    expect(converted.length).toBe(800);
    expect(new Set(converted)).toEqual(new Set([linearToMulaw(4_000)]));
  });

  it('refuses what Twilio could not carry, saying what the file holds', () => {
    const path = join(dir, 'stereo.wav');
    writeFileSync(path, pcmWav(new Int16Array(10), 8_000, 2));
    expect(() => readWavAsMulaw(path)).toThrow(/only mono.*2 channel/);
    expect(() => readWavAsMulaw(pcmWav(new Int16Array(10), 44_100))).toThrow(/44100 Hz/);
    expect(() => readWavAsMulaw(Buffer.from('not a wav file at all'))).toThrow(/RIFF/);
  });
});
