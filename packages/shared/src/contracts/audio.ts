/** Twilio Media Streams carry 20 ms frames of G.711 mu-law, 8 kHz, mono. */
export const TWILIO_FRAME_MS = 20;
export const MULAW_SAMPLE_RATE = 8_000;
/** One byte per sample at 8 kHz: 8 bytes of mu-law per millisecond of audio. */
export const MULAW_BYTES_PER_MS = MULAW_SAMPLE_RATE / 1_000;
export const TWILIO_FRAME_BYTES = TWILIO_FRAME_MS * MULAW_BYTES_PER_MS;

const PADDING = '='.charCodeAt(0);

/**
 * Milliseconds of audio in a base64 mu-law payload (as text, or as the bytes of that text),
 * computed from its length without decoding it.
 */
export function mulawBase64DurationMs(payload: string | Uint8Array): number {
  const length = payload.length;
  let padding = 0;
  if (typeof payload === 'string') padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  else if (length > 0 && payload[length - 1] === PADDING) {
    padding = length > 1 && payload[length - 2] === PADDING ? 2 : 1;
  }
  const bytes = (length * 3) / 4 - padding;
  return bytes / MULAW_BYTES_PER_MS;
}
