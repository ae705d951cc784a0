import { encodeMulaw, MULAW_BYTES_PER_MS, MULAW_SAMPLE_RATE, MULAW_SILENCE } from '../audio/mulaw.js';

/** Twilio Media Streams send and take mu-law in 20 ms frames of 160 bytes. */
export const FRAME_MS = 20;
export const FRAME_BYTES = FRAME_MS * MULAW_BYTES_PER_MS;

/** `ms` milliseconds of mu-law silence. */
export function mulawSilence(ms: number): Buffer {
  return Buffer.alloc(Math.round(ms * MULAW_BYTES_PER_MS), MULAW_SILENCE);
}

/** `ms` milliseconds of a loud tone (voice-like energy for VAD), as mu-law. */
export function mulawTone(ms: number, frequencyHz = 440, amplitude = 12_000): Buffer {
  const samples = new Int16Array(Math.round(ms * MULAW_BYTES_PER_MS));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / MULAW_SAMPLE_RATE));
  }
  return encodeMulaw(samples);
}
