import { readFileSync, writeFileSync } from 'node:fs';
import { encodeMulaw, MULAW_SAMPLE_RATE } from '../audio/mulaw.js';

/** WAVE `fmt ` audio format codes. */
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_MULAW = 7;
const PCM_16_BIT = 16;
const MULAW_8_BIT = 8;
const WIDEBAND_SAMPLE_RATE = 16_000;

interface WavFormat {
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

/**
 * Reads a mono WAV as 8 kHz mu-law, as Twilio would send it: mu-law 8 kHz is taken as is,
 * 16-bit PCM at 8 kHz is encoded, and 16-bit PCM at 16 kHz is halved (pairs averaged) first.
 * Anything else throws, naming what the file holds.
 */
export function readWavAsMulaw(source: string | Buffer): Buffer {
  const file = typeof source === 'string' ? readFileSync(source) : source;
  const name = typeof source === 'string' ? source : 'WAV buffer';
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${name}: not a RIFF/WAVE file`);
  }
  let format: WavFormat | undefined;
  let data: Buffer | undefined;
  for (let offset = 12; offset + 8 <= file.length; ) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = file.subarray(offset + 8, Math.min(file.length, offset + 8 + size));
    if (id === 'fmt ') {
      format = {
        audioFormat: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        bitsPerSample: body.readUInt16LE(14),
      };
    } else if (id === 'data') {
      data = body;
    }
    offset += 8 + size + (size % 2);
  }
  if (!format || !data) throw new Error(`${name}: missing fmt or data chunk`);
  const { audioFormat, channels, sampleRate, bitsPerSample } = format;
  const describe = `format ${audioFormat}, ${channels} channel(s), ${sampleRate} Hz, ${bitsPerSample} bit`;
  if (channels !== 1) throw new Error(`${name}: only mono is supported (${describe})`);
  if (
    audioFormat === WAVE_FORMAT_MULAW &&
    sampleRate === MULAW_SAMPLE_RATE &&
    bitsPerSample === MULAW_8_BIT
  ) {
    return Buffer.from(data);
  }
  if (audioFormat === WAVE_FORMAT_PCM && bitsPerSample === PCM_16_BIT) {
    const samples = new Int16Array(Math.floor(data.length / 2));
    for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
    if (sampleRate === MULAW_SAMPLE_RATE) return encodeMulaw(samples);
    if (sampleRate === WIDEBAND_SAMPLE_RATE) return encodeMulaw(halveRate(samples));
  }
  throw new Error(`${name}: expected mu-law 8 kHz or 16-bit PCM at 8/16 kHz (${describe})`);
}

/** 16 kHz → 8 kHz: each output sample is the mean of two inputs (a crude but adequate low-pass). */
function halveRate(samples: Int16Array): Int16Array {
  const out = new Int16Array(Math.floor(samples.length / 2));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(((samples[2 * i] as number) + (samples[2 * i + 1] as number)) / 2);
  }
  return out;
}

/** A mono 8 kHz mu-law WAV file (format 7, with the `fact` chunk non-PCM formats carry). */
export function mulawWav(mulaw: Uint8Array): Buffer {
  const fmtSize = 18;
  const header = Buffer.alloc(12 + 8 + fmtSize + 12 + 8);
  let o = 0;
  o += header.write('RIFF', o, 'ascii');
  o = header.writeUInt32LE(header.length - 8 + mulaw.length + (mulaw.length % 2), o);
  o += header.write('WAVE', o, 'ascii');
  o += header.write('fmt ', o, 'ascii');
  o = header.writeUInt32LE(fmtSize, o);
  o = header.writeUInt16LE(WAVE_FORMAT_MULAW, o);
  o = header.writeUInt16LE(1, o);
  o = header.writeUInt32LE(MULAW_SAMPLE_RATE, o);
  o = header.writeUInt32LE(MULAW_SAMPLE_RATE, o);
  o = header.writeUInt16LE(1, o);
  o = header.writeUInt16LE(MULAW_8_BIT, o);
  o = header.writeUInt16LE(0, o);
  o += header.write('fact', o, 'ascii');
  o = header.writeUInt32LE(4, o);
  o = header.writeUInt32LE(mulaw.length, o);
  o += header.write('data', o, 'ascii');
  header.writeUInt32LE(mulaw.length, o);
  const pad = mulaw.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([header, mulaw, pad]);
}

/** Writes mu-law audio (e.g. what a simulated caller heard) as a playable WAV file. */
export function writeWav(path: string, mulaw: Uint8Array): void {
  writeFileSync(path, mulawWav(mulaw));
}
