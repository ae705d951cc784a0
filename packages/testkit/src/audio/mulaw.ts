/**
 * The G.711 mu-law codec both fakes speak: Twilio Media Streams and OpenAI's `audio/pcmu` carry
 * 8 kHz mono audio, one byte per sample (ITU-T G.711).
 */
export const MULAW_SAMPLE_RATE = 8_000;
export const MULAW_BYTES_PER_MS = MULAW_SAMPLE_RATE / 1_000;
/** The mu-law byte of a zero sample: digital silence, what a silent caller sends. */
export const MULAW_SILENCE = 0xff;

/** G.711 constants: the bias added before the segment search, and the largest encodable magnitude. */
const BIAS = 0x84;
const CLIP = 32_635;
/** 16-bit linear full scale. */
const FULL_SCALE = 32_768;

/** Every byte decoded once: energy measurement decodes each caller frame. */
const DECODE_TABLE = new Int16Array(256);
for (let byte = 0; byte < 256; byte++) {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  DECODE_TABLE[byte] = u & 0x80 ? -magnitude : magnitude;
}

/** One mu-law byte → one 16-bit linear sample. */
export function mulawToLinear(byte: number): number {
  return DECODE_TABLE[byte & 0xff] as number;
}

/** One 16-bit linear sample → one mu-law byte. */
export function linearToMulaw(sample: number): number {
  let value = Math.max(-FULL_SCALE, Math.min(FULL_SCALE - 1, Math.round(sample)));
  const sign = value < 0 ? 0x80 : 0;
  if (sign) value = -value;
  value = Math.min(value, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 16-bit linear PCM samples → mu-law bytes. */
export function encodeMulaw(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = linearToMulaw(samples[i] as number);
  return out;
}

/** Mu-law bytes → 16-bit linear PCM samples. */
export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE_TABLE[bytes[i] as number] as number;
  return out;
}

/** Root-mean-square level of mu-law audio, 0 (silence) to 1 (full scale). */
export function mulawRms(audio: Uint8Array): number {
  if (audio.length === 0) return 0;
  let sum = 0;
  for (const byte of audio) {
    const sample = (DECODE_TABLE[byte] as number) / FULL_SCALE;
    sum += sample * sample;
  }
  return Math.sqrt(sum / audio.length);
}
