import { asciiBytes, isBase64Bytes, JsonBytesCursor } from '@voice/shared/contracts';

/**
 * An agent audio chunk (`response.output_audio.delta`) as the bridge uses it: its ids, and the
 * base64 mu-law audio exactly as the model sent it (text from the typed path, or the bytes of
 * the message from the fast path: a view, to be copied if kept past the call).
 */
export interface AudioDelta {
  responseId: string;
  itemId: string;
  audio: string | Uint8Array;
}

/**
 * The fast path for `response.output_audio.delta`, the one server event that comes every few
 * tens of milliseconds while the agent speaks: a strict scan over the message's bytes, with no
 * `JSON.parse`, no zod and no string of the audio.
 *
 * The shape: one object whose keys are among `type`, `event_id`, `response_id`, `item_id`,
 * `output_index`, `content_index` and `delta` (any order, each at most once, `type`,
 * `response_id`, `item_id` and `delta` present), the indexes numbers and the rest strings of
 * printable ASCII without escapes, `type` the delta's. Such a message is `delta` when its audio
 * is base64 (what the schema requires), `invalid` otherwise. Anything else is `other`: the SDK
 * and `parseServerEvent` read it, so this path never accepts what the schema refuses.
 */
export type DeltaScan = AudioDelta | 'invalid' | 'other';

const OPEN = 0x7b;
const CLOSE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;

const DELTA_TYPE = asciiBytes('response.output_audio.delta');
/** Each key, its bit (to refuse duplicates and notice missing ones) and whether its value is a number. */
const KEYS = [
  { name: asciiBytes('delta'), bit: 1, number: false },
  { name: asciiBytes('type'), bit: 2, number: false },
  { name: asciiBytes('response_id'), bit: 4, number: false },
  { name: asciiBytes('item_id'), bit: 8, number: false },
  { name: asciiBytes('event_id'), bit: 16, number: false },
  { name: asciiBytes('output_index'), bit: 32, number: true },
  { name: asciiBytes('content_index'), bit: 64, number: true },
] as const;
const [DELTA, TYPE, RESPONSE_ID, ITEM_ID] = KEYS;
const REQUIRED = DELTA.bit | TYPE.bit | RESPONSE_ID.bit | ITEM_ID.bit;

/**
 * Reads audio deltas of one model socket. Ids repeat from one delta to the next (one response,
 * one item), so the last strings are kept and reused while the bytes match.
 */
export class AudioDeltaReader {
  private readonly cursor = new JsonBytesCursor();
  private readonly responseId = new RepeatedAscii();
  private readonly itemId = new RepeatedAscii();

  read(message: Buffer): DeltaScan {
    const cursor = this.cursor.reset(message);
    let seen = 0;
    let isDelta = false;
    let responseStart = 0;
    let responseEnd = 0;
    let itemStart = 0;
    let itemEnd = 0;
    let audioStart = 0;
    let audioEnd = 0;
    if (!cursor.take(OPEN)) return 'other';
    do {
      if (!cursor.string() || !cursor.take(COLON)) return 'other';
      const key = keyOf(cursor);
      if (key === undefined || seen & key.bit) return 'other';
      if (!(key.number ? cursor.number() : cursor.string())) return 'other';
      seen |= key.bit;
      const { valueStart, valueEnd } = cursor;
      if (key === TYPE) isDelta = cursor.valueIs(DELTA_TYPE);
      else if (key === RESPONSE_ID) {
        responseStart = valueStart;
        responseEnd = valueEnd;
      } else if (key === ITEM_ID) {
        itemStart = valueStart;
        itemEnd = valueEnd;
      } else if (key === DELTA) {
        audioStart = valueStart;
        audioEnd = valueEnd;
      }
    } while (cursor.take(COMMA));
    if (!cursor.take(CLOSE) || !cursor.atEnd() || (seen & REQUIRED) !== REQUIRED || !isDelta) return 'other';
    if (!isBase64Bytes(message, audioStart, audioEnd)) return 'invalid';
    return {
      responseId: this.responseId.read(message, responseStart, responseEnd),
      itemId: this.itemId.read(message, itemStart, itemEnd),
      audio: message.subarray(audioStart, audioEnd),
    };
  }
}

function keyOf(cursor: JsonBytesCursor): (typeof KEYS)[number] | undefined {
  for (const key of KEYS) if (cursor.valueIs(key.name)) return key;
  return undefined;
}

/** The string of an ASCII byte range, reusing the previous one when the bytes are the same. */
class RepeatedAscii {
  private bytes = Buffer.alloc(0);
  private text = '';

  read(message: Buffer, start: number, end: number): string {
    if (this.bytes.compare(message, start, end) !== 0) {
      this.bytes = Buffer.from(message.subarray(start, end));
      this.text = this.bytes.toString('latin1');
    }
    return this.text;
  }
}
