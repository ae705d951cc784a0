import { describe, expect, it } from 'vitest';
import { linearToMulaw, MULAW_SILENCE, mulawRms, mulawToLinear } from '../audio/mulaw.js';
import { synthesizeSpeech } from './speech.js';
import { DEFAULT_VAD, EnergyVad } from './vad.js';

const frames = (byte: number, count: number) => Buffer.alloc(160 * count, byte);

describe('mu-law helpers', () => {
  it('round-trips samples within the codec step and measures level', () => {
    for (const sample of [0, 100, -100, 1_000, -12_345, 30_000]) {
      const decoded = mulawToLinear(linearToMulaw(sample));
      expect(Math.abs(decoded - sample)).toBeLessThanOrEqual(Math.max(8, Math.abs(sample) / 16));
    }
    expect(mulawRms(frames(MULAW_SILENCE, 1))).toBe(0);
    expect(mulawRms(synthesizeSpeech(200))).toBeGreaterThan(0.1);
  });
});

describe('EnergyVad', () => {
  it('starts speech after the minimum loud run, back-dated by the prefix padding, and stops after the silence', () => {
    const vad = new EnergyVad({ ...DEFAULT_VAD, silenceDurationMs: 200 });
    expect(vad.push(frames(MULAW_SILENCE, 50))).toEqual([]);
    expect(vad.push(frames(0x00, 1))).toEqual([]);
    expect(vad.push(frames(0x00, 10))).toEqual([{ type: 'speech_started', audioStartMs: 1_000 - 300 }]);
    expect(vad.inSpeech).toBe(true);
    expect(vad.push(frames(MULAW_SILENCE, 9))).toEqual([]);
    expect(vad.push(frames(MULAW_SILENCE, 1))).toEqual([{ type: 'speech_stopped', audioEndMs: 1_220 }]);
  });

  it('ignores audio below the threshold and splits frames across appends', () => {
    const quiet = linearToMulaw(500);
    const vad = new EnergyVad(DEFAULT_VAD);
    expect(vad.push(frames(quiet, 20))).toEqual([]);
    const loud = frames(0x00, 3);
    expect(vad.push(loud.subarray(0, 250))).toEqual([]);
    expect(vad.push(loud.subarray(250))).toEqual([{ type: 'speech_started', audioStartMs: 400 - 300 }]);
  });
});
