import { linearToMulaw, MULAW_BYTES_PER_MS, MULAW_SAMPLE_RATE } from '../audio/mulaw.js';

/** 16-bit linear full scale; the voice is synthesised at `VOICE_LEVEL` of it. */
const FULL_SCALE = 32_768;
const VOICE_PITCH_HZ = 180;
const SYLLABLE_HZ = 4;
const VOICE_LEVEL = 0.3;
/**
 * The waveform repeats every syllable (a quarter second: 45 pitch cycles, one syllable cycle),
 * so one period is computed once and copied, not recomputed for every chunk of every line.
 */
const SPEECH_PERIOD_SAMPLES = MULAW_SAMPLE_RATE / SYLLABLE_HZ;
let speechPeriod: Buffer | undefined;

function oneSpeechPeriod(): Buffer {
  if (speechPeriod) return speechPeriod;
  const period = Buffer.alloc(SPEECH_PERIOD_SAMPLES);
  for (let i = 0; i < SPEECH_PERIOD_SAMPLES; i++) {
    const t = i / MULAW_SAMPLE_RATE;
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * SYLLABLE_HZ * t);
    const sample = Math.sin(2 * Math.PI * VOICE_PITCH_HZ * t) * envelope * VOICE_LEVEL * FULL_SCALE;
    period[i] = linearToMulaw(sample);
  }
  speechPeriod = period;
  return period;
}

/**
 * Speech-like mu-law audio of the given length: a voiced tone whose loudness rises and falls
 * at a syllable rate. It carries no words (the fake cannot speak); only its timing matters.
 * `fromMs` continues the same waveform from that point, so a long line can be made chunk by
 * chunk as it is spoken instead of all at once.
 */
export function synthesizeSpeech(durationMs: number, fromMs = 0): Buffer {
  const samples = Math.max(0, Math.round(durationMs * MULAW_BYTES_PER_MS));
  const first = Math.round(fromMs * MULAW_BYTES_PER_MS);
  const period = oneSpeechPeriod();
  const out = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) out[i] = period[(first + i) % SPEECH_PERIOD_SAMPLES] as number;
  return out;
}
