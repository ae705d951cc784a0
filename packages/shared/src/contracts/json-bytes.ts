/**
 * Reading and writing the few JSON messages of the media path as bytes, without `JSON.parse`,
 * zod or a string per message. Everything here accepts a strict subset of JSON: strings of
 * printable ASCII without escapes, plain numbers, no nesting beyond what a caller walks itself.
 * Whatever falls outside that subset is not refused here: the caller hands it to the full
 * parser, which decides. So a fast path can be narrower than the contract, never wider.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
/** Below this, a byte is a control character: JSON forbids it raw inside a string. */
const FIRST_PRINTABLE = 0x20;
/** DEL, and from here on the bytes of multi-byte UTF-8 sequences: left to the full parser. */
const FIRST_NOT_PLAIN = 0x7f;

/** 1 for each byte of the base64 alphabet (`A-Z a-z 0-9 + /`), 0 otherwise. */
const BASE64_ALPHABET = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
  BASE64_ALPHABET[c.charCodeAt(0)] = 1;
}

/** 1 for JSON's four whitespace bytes. */
const JSON_SPACE = new Uint8Array(256);
for (const c of ' \t\n\r') JSON_SPACE[c.charCodeAt(0)] = 1;

/**
 * Whether `bytes[start, end)` is base64 as the contracts accept it: the regular expression
 * `^[A-Za-z0-9+/]*={0,2}$`, byte for byte, without making a string of it.
 */
export function isBase64Bytes(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let body = end;
  if (body > start && bytes[body - 1] === EQUALS) body--;
  if (body > start && bytes[body - 1] === EQUALS) body--;
  for (let i = start; i < body; i++) {
    if (BASE64_ALPHABET[bytes[i] as number] === 0) return false;
  }
  return true;
}

/**
 * Whether a string can be written inside JSON quotes as it is (printable ASCII, no quote, no
 * backslash), so that `"` + text + `"` is exactly what `JSON.stringify` would write.
 */
export function isPlainJsonText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isPlainJsonChar(text.charCodeAt(i))) return false;
  return true;
}

/** Whether a character code (or byte) stands for itself inside a JSON string: printable ASCII, not `"` or `\`. */
export function isPlainJsonChar(c: number): boolean {
  return c >= FIRST_PRINTABLE && c < FIRST_NOT_PLAIN && c !== QUOTE && c !== BACKSLASH;
}

/** The bytes of an ASCII literal (keys, fixed prefixes), computed once at module load. */
export function asciiBytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/**
 * A cursor over one JSON message held as bytes. Each step answers false as soon as the input
 * leaves the strict subset; the caller then gives up on the fast path. One instance can be
 * reused for every message (no allocation per message).
 */
export class JsonBytesCursor {
  private bytes: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  /** The content of the last string read: `[valueStart, valueEnd)`, without the quotes. */
  valueStart = 0;
  valueEnd = 0;

  /** Starts reading `bytes`. */
  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.pos = 0;
    this.end = bytes.length;
    return this;
  }

  /** Consumes `byte` (after optional whitespace); false when something else comes. */
  take(byte: number): boolean {
    this.skipSpace();
    if (this.pos < this.end && this.bytes[this.pos] === byte) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Whether the next byte (after optional whitespace) is `byte`, without consuming it. */
  peek(byte: number): boolean {
    this.skipSpace();
    return this.pos < this.end && this.bytes[this.pos] === byte;
  }

  /** Reads a string of printable ASCII without escapes; its content is `[valueStart, valueEnd)`. */
  string(): boolean {
    if (!this.take(QUOTE)) return false;
    const { bytes, end } = this;
    const start = this.pos;
    for (let i = start; i < end; i++) {
      const c = bytes[i] as number;
      if (c === QUOTE) {
        this.valueStart = start;
        this.valueEnd = i;
        this.pos = i + 1;
        return true;
      }
      if (!isPlainJsonChar(c)) return false;
    }
    return false;
  }

  /** Reads a JSON number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`); its text is `[valueStart, valueEnd)`. */
  number(): boolean {
    this.skipSpace();
    const start = this.pos;
    let i = start;
    if (this.at(i) === MINUS) i++;
    if (this.at(i) === DIGIT_0) i++;
    else if (isDigit(this.at(i))) i = this.digits(i);
    else return false;
    if (this.at(i) === DOT) {
      if (!isDigit(this.at(i + 1))) return false;
      i = this.digits(i + 1);
    }
    const e = this.at(i);
    if (e === LOWER_E || e === UPPER_E) {
      i++;
      const sign = this.at(i);
      if (sign === PLUS || sign === MINUS) i++;
      if (!isDigit(this.at(i))) return false;
      i = this.digits(i);
    }
    this.valueStart = start;
    this.valueEnd = i;
    this.pos = i;
    return true;
  }

  /** Whether the last string read is exactly `literal`. */
  valueIs(literal: Uint8Array): boolean {
    const length = this.valueEnd - this.valueStart;
    if (length !== literal.length) return false;
    for (let i = 0; i < length; i++) {
      if (this.bytes[this.valueStart + i] !== literal[i]) return false;
    }
    return true;
  }

  /** Only whitespace is left. */
  atEnd(): boolean {
    this.skipSpace();
    return this.pos === this.end;
  }

  private skipSpace(): void {
    while (this.pos < this.end && JSON_SPACE[this.bytes[this.pos] as number] === 1) this.pos++;
  }

  private at(i: number): number {
    return i < this.end ? (this.bytes[i] as number) : -1;
  }

  private digits(from: number): number {
    let i = from;
    while (isDigit(this.at(i))) i++;
    return i;
  }
}

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}
