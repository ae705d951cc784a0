import { mutateText, seededRandom } from '@voice/testkit';
import { describe, expect, it } from 'vitest';
import { asciiBytes, isBase64Bytes, isPlainJsonText, JsonBytesCursor } from './json-bytes.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('isBase64Bytes', () => {
  it('agrees with the contract regular expression on every string it is given', () => {
    const random = seededRandom(64);
    const samples = [
      '',
      '=',
      '==',
      '===',
      'AAAA',
      'AA==',
      'A=A',
      '/////w==',
      'ab+/09',
      'a b',
      'é',
      'A\u0000',
    ];
    for (let i = 0; i < 5_000; i++) samples.push(mutateText(random, random.pick(samples)));
    for (const text of samples) expect(isBase64Bytes(bytes(text)), text).toBe(BASE64.test(text));
  });

  it('reads only the given range', () => {
    const data = bytes('"AAAA=="');
    expect(isBase64Bytes(data, 1, data.length - 1)).toBe(true);
    expect(isBase64Bytes(data, 0, data.length)).toBe(false);
  });
});

describe('isPlainJsonText', () => {
  it('is true exactly when JSON.stringify writes the text as it is, within printable ASCII', () => {
    for (const text of ['m1', 'responsePart', 'a b:c', '~', '']) {
      expect(isPlainJsonText(text)).toBe(true);
      expect(JSON.stringify(text)).toBe(`"${text}"`);
    }
    for (const text of ['"', '\\', '\n', '\u007f', 'é', '\u2028']) expect(isPlainJsonText(text)).toBe(false);
  });
});

describe('JsonBytesCursor', () => {
  it('walks an object of strings and numbers, whitespace included', () => {
    const cursor = new JsonBytesCursor().reset(bytes(' { "a" : "xy" ,\n"n":-12.5e+3 }\t'));
    expect(cursor.take(0x7b)).toBe(true);
    expect(cursor.string() && cursor.valueIs(asciiBytes('a'))).toBe(true);
    expect(cursor.take(0x3a) && cursor.string() && cursor.valueIs(asciiBytes('xy'))).toBe(true);
    expect(cursor.take(0x2c) && cursor.string() && cursor.take(0x3a)).toBe(true);
    expect(cursor.number()).toBe(true);
    expect(cursor.take(0x7d) && cursor.atEnd()).toBe(true);
  });

  it('gives up on escapes, control characters and non-ASCII inside strings', () => {
    for (const text of ['"a\\"b"', '"a\nb"', '"é"', '"unterminated']) {
      expect(new JsonBytesCursor().reset(bytes(text)).string(), text).toBe(false);
    }
  });

  it('reads a number exactly where JSON.parse would, and refuses what JSON does not allow', () => {
    for (const text of ['0', '-0', '12', '1.5', '1e9', '1E-2', '-3.25e+10']) {
      const cursor = new JsonBytesCursor().reset(bytes(text));
      expect(cursor.number() && cursor.atEnd(), text).toBe(true);
      expect(() => JSON.parse(text)).not.toThrow();
    }
    for (const text of ['01', '-', '1.', '.5', '1e', '+1', 'NaN']) {
      const cursor = new JsonBytesCursor().reset(bytes(text));
      expect(cursor.number() && cursor.atEnd(), text).toBe(false);
      expect(() => JSON.parse(text), text).toThrow();
    }
  });
});
