import {
  asciiBytes,
  isBase64Bytes,
  type JsonBytesCursor,
  MAX_INBOUND_PAYLOAD_CHARS,
  MAX_MARK_NAME_CHARS,
} from '@voice/shared/contracts';

/**
 * The fast path for the two messages Twilio sends all call long: `media` (fifty a second) and
 * `mark` (the echo of every chunk of agent audio once played). A strict scan of the shapes
 * Twilio sends, over the frame's bytes, with no `JSON.parse`, no zod and no string for the
 * payload.
 *
 * The shapes: one object with exactly the keys `event`, `streamSid`, `sequenceNumber` (optional
 * for a mark, as in the contract) and `media` or `mark`, in any order; `media` with exactly
 * `track`, `chunk`, `timestamp` and `payload`, `mark` with exactly `name`; every value a string
 * of printable ASCII without escapes. A frame of one of those shapes is judged here on what the
 * contract checks (`twilioMediaSchema`, `twilioMarkSchema`): the stream SID, the payload as
 * base64 within `MAX_INBOUND_PAYLOAD_CHARS`, a mark name of 1 to `MAX_MARK_NAME_CHARS`. Any
 * other frame (another event, another key, an escape, a number, a duplicate key, not JSON at
 * all) is `other`: the full parser decides it, so this path never accepts what the contract
 * refuses.
 */
export type FrameScan = 'media' | 'mark' | 'invalid' | 'other';

/** Where a scanned frame keeps its fields: byte offsets into the frame, one view per stream, reused. */
export interface FrameView {
  /** `streamSid` is `[streamSidStart, streamSidStart + STREAM_SID_LENGTH)`. */
  streamSidStart: number;
  /** A media frame's base64 payload, or a mark's name: `[valueStart, valueEnd)`. */
  valueStart: number;
  valueEnd: number;
}

/** `MZ` and 32 lowercase hex digits. */
export const STREAM_SID_LENGTH = 34;

const OPEN = 0x7b;
const CLOSE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;
const LETTER_M = 0x4d;
const LETTER_Z = 0x5a;

/** Each key of both shapes with a bit, to refuse duplicates and notice missing ones. */
const KEY = {
  event: { name: asciiBytes('event'), bit: 1 },
  sequenceNumber: { name: asciiBytes('sequenceNumber'), bit: 2 },
  streamSid: { name: asciiBytes('streamSid'), bit: 4 },
  media: { name: asciiBytes('media'), bit: 8 },
  mark: { name: asciiBytes('mark'), bit: 16 },
  track: { name: asciiBytes('track'), bit: 32 },
  chunk: { name: asciiBytes('chunk'), bit: 64 },
  timestamp: { name: asciiBytes('timestamp'), bit: 128 },
  payload: { name: asciiBytes('payload'), bit: 256 },
  name: { name: asciiBytes('name'), bit: 512 },
} as const;
const MEDIA_EVENT = asciiBytes('media');
const MARK_EVENT = asciiBytes('mark');
const STRING_KEYS = [KEY.event, KEY.streamSid, KEY.sequenceNumber] as const;
const MEDIA_KEYS = [KEY.payload, KEY.track, KEY.chunk, KEY.timestamp] as const;
const MARK_KEYS = [KEY.name] as const;
const MEDIA_FRAME = KEY.event.bit | KEY.sequenceNumber.bit | KEY.streamSid.bit | KEY.media.bit;
const MARK_FRAME = KEY.event.bit | KEY.streamSid.bit | KEY.mark.bit;
const ALL_MEDIA_KEYS = KEY.payload.bit | KEY.track.bit | KEY.chunk.bit | KEY.timestamp.bit;

/** 1 for lowercase hex digits. */
const LOWER_HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;

type Key = { name: Uint8Array; bit: number };

/** Reads one frame; fills `view` when the answer is `media` or `mark`. One cursor per caller, reused. */
export function scanTwilioFrame(frame: Uint8Array, view: FrameView, cursor: JsonBytesCursor): FrameScan {
  cursor.reset(frame);
  let seen = 0;
  let event: 'media' | 'mark' | undefined;
  let streamSidStart = 0;
  let streamSidLength = 0;
  if (!cursor.take(OPEN)) return 'other';
  do {
    if (!cursor.string() || !cursor.take(COLON)) return 'other';
    if (cursor.valueIs(KEY.media.name) || cursor.valueIs(KEY.mark.name)) {
      const isMedia = cursor.valueIs(KEY.media.name);
      const bit = isMedia ? KEY.media.bit : KEY.mark.bit;
      if (seen & bit || !scanObject(cursor, view, isMedia)) return 'other';
      seen |= bit;
      continue;
    }
    const key = keyAmong(cursor, STRING_KEYS);
    if (key === undefined || seen & key.bit || !cursor.string()) return 'other';
    seen |= key.bit;
    if (key === KEY.event) {
      event = cursor.valueIs(MEDIA_EVENT) ? 'media' : cursor.valueIs(MARK_EVENT) ? 'mark' : undefined;
    } else if (key === KEY.streamSid) {
      streamSidStart = cursor.valueStart;
      streamSidLength = cursor.valueEnd - cursor.valueStart;
    }
  } while (cursor.take(COMMA));
  if (!cursor.take(CLOSE) || !cursor.atEnd()) return 'other';

  view.streamSidStart = streamSidStart;
  const length = view.valueEnd - view.valueStart;
  const sidOk = isStreamSid(frame, streamSidStart, streamSidLength);
  if (event === 'media' && seen === MEDIA_FRAME) {
    const payloadOk =
      length <= MAX_INBOUND_PAYLOAD_CHARS && isBase64Bytes(frame, view.valueStart, view.valueEnd);
    return sidOk && payloadOk ? 'media' : 'invalid';
  }
  if (event === 'mark' && (seen | KEY.sequenceNumber.bit) === (MARK_FRAME | KEY.sequenceNumber.bit)) {
    return sidOk && length >= 1 && length <= MAX_MARK_NAME_CHARS ? 'mark' : 'invalid';
  }
  return 'other';
}

/** `media` (exactly its four string keys) or `mark` (exactly `name`); records where the value is. */
function scanObject(cursor: JsonBytesCursor, view: FrameView, isMedia: boolean): boolean {
  const keys = isMedia ? MEDIA_KEYS : MARK_KEYS;
  let seen = 0;
  if (!cursor.take(OPEN)) return false;
  do {
    if (!cursor.string() || !cursor.take(COLON)) return false;
    const key = keyAmong(cursor, keys);
    if (key === undefined || seen & key.bit || !cursor.string()) return false;
    seen |= key.bit;
    if (key === KEY.payload || key === KEY.name) {
      view.valueStart = cursor.valueStart;
      view.valueEnd = cursor.valueEnd;
    }
  } while (cursor.take(COMMA));
  return cursor.take(CLOSE) && seen === (isMedia ? ALL_MEDIA_KEYS : KEY.name.bit);
}

/** Which of `keys` the string just read is. */
function keyAmong(cursor: JsonBytesCursor, keys: readonly Key[]): Key | undefined {
  for (const key of keys) if (cursor.valueIs(key.name)) return key;
  return undefined;
}

/** `^MZ[0-9a-f]{32}$`, over bytes. */
function isStreamSid(frame: Uint8Array, start: number, length: number): boolean {
  if (length !== STREAM_SID_LENGTH || frame[start] !== LETTER_M || frame[start + 1] !== LETTER_Z)
    return false;
  for (let i = start + 2; i < start + length; i++) if (LOWER_HEX[frame[i] as number] === 0) return false;
  return true;
}
