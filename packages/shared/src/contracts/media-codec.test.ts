import { mutateText, seededRandom } from '@voice/testkit';
import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from './codec.js';
import { mediaInControlSchema, mediaOutControlSchema } from './media.js';
import {
  decodeMediaInControl,
  decodeMediaOutControl,
  encodeMediaInControl,
  encodeMediaOutControl,
} from './media-codec.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('media controls on the wire', () => {
  it('writes a mark exactly as JSON.stringify does, and reads it back', () => {
    for (const name of ['m1', 'm123456', 'response part:7', 'x'.repeat(256)]) {
      const control = { type: 'mark' as const, name };
      expect(text(encodeMediaOutControl(control))).toBe(JSON.stringify(control));
      expect(text(encodeMediaInControl(control))).toBe(JSON.stringify(control));
      expect(decodeMediaOutControl(encodeMediaOutControl(control), 'c')).toEqual({
        ok: true,
        value: control,
      });
      expect(decodeMediaInControl(encodeMediaInControl(control), 'c')).toEqual({ ok: true, value: control });
    }
  });

  it('writes and reads marks that need escaping, and every other control, through JSON and zod', () => {
    const odd = { type: 'mark' as const, name: 'say "hi"\n' };
    expect(decodeMediaInControl(encodeMediaInControl(odd), 'c')).toEqual({ ok: true, value: odd });
    const stop = { type: 'stop' as const, reason: 'caller_hangup' as const };
    expect(decodeMediaInControl(encodeMediaInControl(stop), 'c')).toEqual({ ok: true, value: stop });
    const clear = { type: 'clear' as const };
    expect(decodeMediaOutControl(encodeMediaOutControl(clear), 'c')).toEqual({ ok: true, value: clear });
    expect(decodeMediaOutControl(Buffer.from('{"type":"mark","name":""}'), 'c').ok).toBe(false);
    expect(decodeMediaOutControl(Buffer.from(`{"type":"mark","name":"${'x'.repeat(257)}"}`), 'c').ok).toBe(
      false,
    );
  });

  it('reads mutated controls exactly as JSON.parse and the schema do (5000 each way)', () => {
    const random = seededRandom(2026);
    const seeds = [
      '{"type":"mark","name":"m42"}',
      '{"type":"clear"}',
      '{"type":"stop","reason":"call_ended"}',
    ];
    for (let i = 0; i < 5_000; i++) {
      const data = Buffer.from(mutateText(random, random.pick(seeds)), 'latin1');
      expect(decodeMediaOutControl(data, 'c'), data.toString('latin1')).toEqual(
        decodeJson(mediaOutControlSchema, data, 'c'),
      );
      expect(decodeMediaInControl(data, 'c'), data.toString('latin1')).toEqual(
        decodeJson(mediaInControlSchema, data, 'c'),
      );
    }
  });

  it('keeps a fast-written mark byte-identical to the generic encoder', () => {
    const control = { type: 'mark' as const, name: 'm7' };
    expect(Buffer.from(encodeMediaOutControl(control))).toEqual(
      Buffer.from(encodeJson(mediaOutControlSchema, control)),
    );
  });
});
