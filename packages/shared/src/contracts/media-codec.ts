import type { ContractError, Result } from '../errors/index.js';
import { ok } from '../errors/index.js';
import { decodeJson, encodeJson } from './codec.js';
import { asciiBytes, isPlainJsonChar, isPlainJsonText } from './json-bytes.js';
import {
  MAX_MARK_NAME_CHARS,
  type MediaInControl,
  type MediaOutControl,
  mediaInControlSchema,
  mediaOutControlSchema,
} from './media.js';

/**
 * The media controls on the wire. A `mark` travels with every chunk of agent audio (bridge →
 * gateway) and its echo comes back (gateway → bridge): one per 20 ms in the worst case, so it
 * is written by concatenation and read by comparing bytes, exactly as `JSON.stringify` writes
 * it. Any other control, and any mark that is not byte for byte that shape, goes through
 * `JSON.parse` and the zod schema as before.
 */
const MARK_PREFIX = asciiBytes('{"type":"mark","name":"');
const MARK_SUFFIX = asciiBytes('"}');

/** The bytes of `{"type":"mark","name":…}` as `JSON.stringify` writes them; undefined when the name needs escaping. */
function encodeMark(name: string): Uint8Array | undefined {
  if (name.length === 0 || name.length > MAX_MARK_NAME_CHARS || !isPlainJsonText(name)) return undefined;
  const bytes = Buffer.allocUnsafe(MARK_PREFIX.length + name.length + MARK_SUFFIX.length);
  bytes.set(MARK_PREFIX, 0);
  bytes.write(name, MARK_PREFIX.length, 'latin1');
  bytes.set(MARK_SUFFIX, MARK_PREFIX.length + name.length);
  return bytes;
}

/**
 * The name of a mark control written exactly as `encodeMark` writes it, with a name the schema
 * accepts (1–256 printable ASCII characters, no quote or backslash); undefined otherwise.
 */
function decodeMark(data: Uint8Array): string | undefined {
  const nameStart = MARK_PREFIX.length;
  const nameEnd = data.length - MARK_SUFFIX.length;
  const length = nameEnd - nameStart;
  if (length < 1 || length > MAX_MARK_NAME_CHARS) return undefined;
  for (let i = 0; i < MARK_PREFIX.length; i++) if (data[i] !== MARK_PREFIX[i]) return undefined;
  for (let i = 0; i < MARK_SUFFIX.length; i++) if (data[nameEnd + i] !== MARK_SUFFIX[i]) return undefined;
  // Only characters that stand for themselves: the string JSON.parse would read is these bytes.
  for (let i = nameStart; i < nameEnd; i++) if (!isPlainJsonChar(data[i] as number)) return undefined;
  return Buffer.from(data.buffer, data.byteOffset + nameStart, length).toString('latin1');
}

/** Serialises a gateway → bridge control (`media.<callSid>.<claimId>.in.ctl`). */
export function encodeMediaInControl(control: MediaInControl): Uint8Array {
  return (control.type === 'mark' && encodeMark(control.name)) || encodeJson(mediaInControlSchema, control);
}

/** Serialises a bridge → gateway control (`media.<callSid>.<claimId>.out.ctl`). */
export function encodeMediaOutControl(control: MediaOutControl): Uint8Array {
  return (control.type === 'mark' && encodeMark(control.name)) || encodeJson(mediaOutControlSchema, control);
}

/** Parses a gateway → bridge control; never throws. */
export function decodeMediaInControl(data: Uint8Array, what: string): Result<MediaInControl, ContractError> {
  const name = decodeMark(data);
  return name === undefined ? decodeJson(mediaInControlSchema, data, what) : ok({ type: 'mark', name });
}

/** Parses a bridge → gateway control; never throws. */
export function decodeMediaOutControl(
  data: Uint8Array,
  what: string,
): Result<MediaOutControl, ContractError> {
  const name = decodeMark(data);
  return name === undefined ? decodeJson(mediaOutControlSchema, data, what) : ok({ type: 'mark', name });
}
