/**
 * A timing marker carried in the bytes of a 20 ms mu-law frame, so each frame's journey through
 * the system can be timed on one clock: which stream it belongs to, its sequence number, and
 * when it was sent.
 *
 * Each byte carries one nibble as `0xF0 | nibble`. Those mu-law bytes decode to the smallest
 * positive samples (at most 120 of 32 768), so a marked silent frame stays silent for the fake
 * model's voice activity detection, and a marked loud frame (the rest of it speech) stays loud.
 */
export const MARKER_BYTES = 28;
/** Base64 characters that cover the marker at the start of a payload (30 bytes). */
export const MARKER_BASE64_CHARS = 40;

const MAGIC = [0xb, 0xe, 0x4, 0xc] as const;
const QUIET_HIGH_NIBBLE = 0xf0;
const STREAM_NIBBLES = 4;
const SEQ_NIBBLES = 6;
const TIME_NIBBLES = 12;
const CHECK_NIBBLES = 2;
const US_PER_MS = 1_000;
const STREAM_LIMIT = 1 << (STREAM_NIBBLES * 4);
const SEQ_LIMIT = 2 ** (SEQ_NIBBLES * 4);

/** What a marker says. */
export interface FrameMarker {
  /** The sending stream: a call's key (caller → model) or a model session's key (model → caller). */
  stream: number;
  seq: number;
  /** When the frame was sent, on the monotonic clock (ms, microsecond resolution). */
  sentAtMs: number;
}

/** Writes the marker over the first `MARKER_BYTES` bytes of `frame`. */
export function writeMarker(frame: Uint8Array, marker: FrameMarker): void {
  let at = 0;
  let check = 0;
  const put = (nibble: number) => {
    frame[at++] = QUIET_HIGH_NIBBLE | nibble;
    check = (check + nibble) & 0xff;
  };
  for (const nibble of MAGIC) put(nibble);
  putNumber(put, marker.stream % STREAM_LIMIT, STREAM_NIBBLES);
  putNumber(put, marker.seq % SEQ_LIMIT, SEQ_NIBBLES);
  putNumber(put, Math.round(marker.sentAtMs * US_PER_MS), TIME_NIBBLES);
  const sum = check;
  putNumber((nibble) => (frame[at++] = QUIET_HIGH_NIBBLE | nibble), sum, CHECK_NIBBLES);
}

/** Reads a marker from the start of `frame`; undefined when there is none (or it is damaged). */
export function readMarker(frame: Uint8Array): FrameMarker | undefined {
  if (frame.length < MARKER_BYTES) return undefined;
  let at = 0;
  let check = 0;
  let damaged = false;
  const take = (): number => {
    const byte = frame[at++] as number;
    if ((byte & 0xf0) !== QUIET_HIGH_NIBBLE) damaged = true;
    const nibble = byte & 0x0f;
    check = (check + nibble) & 0xff;
    return nibble;
  };
  for (const nibble of MAGIC) if (take() !== nibble) return undefined;
  const stream = takeNumber(take, STREAM_NIBBLES);
  const seq = takeNumber(take, SEQ_NIBBLES);
  const sentAtUs = takeNumber(take, TIME_NIBBLES);
  const expected = check;
  const stored = takeNumber(take, CHECK_NIBBLES);
  if (damaged || stored !== expected) return undefined;
  return { stream, seq, sentAtMs: sentAtUs / US_PER_MS };
}

/** Reads the marker of a base64 mu-law payload, decoding only its first bytes. */
export function readMarkerFromBase64(payload: string): FrameMarker | undefined {
  return readMarker(Buffer.from(payload.slice(0, MARKER_BASE64_CHARS), 'base64'));
}

function putNumber(put: (nibble: number) => void, value: number, nibbles: number): void {
  for (let i = nibbles - 1; i >= 0; i--) put(Math.floor(value / 16 ** i) % 16);
}

function takeNumber(take: () => number, nibbles: number): number {
  let value = 0;
  for (let i = 0; i < nibbles; i++) value = value * 16 + take();
  return value;
}
