import { type FrameMarker, MARKER_BASE64_CHARS, readMarker, writeMarker } from './marker.js';

const PAYLOAD_KEY = '"payload":"';

/**
 * Moves the send time of the marker in a Twilio `media` message (its JSON text) to `sentAtMs`,
 * when the frame leaves later than it was stamped. The marker's 30 bytes are exactly 40 base64
 * characters, so they are replaced in place without touching the rest of the payload.
 * Undefined when the message carries no readable marker.
 */
export function restampMediaMessage(
  text: string,
  sentAtMs: number,
): { text: string; marker: FrameMarker } | undefined {
  const key = text.lastIndexOf(PAYLOAD_KEY);
  if (key < 0) return undefined;
  const from = key + PAYLOAD_KEY.length;
  const head = Buffer.from(text.slice(from, from + MARKER_BASE64_CHARS), 'base64');
  const old = readMarker(head);
  if (!old) return undefined;
  const marker = { ...old, sentAtMs };
  writeMarker(head, marker);
  const encoded = head.toString('base64');
  return { text: text.slice(0, from) + encoded + text.slice(from + MARKER_BASE64_CHARS), marker };
}
