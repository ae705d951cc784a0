import { describe, expect, it } from 'vitest';
import { mulawBase64DurationMs, TWILIO_FRAME_BYTES } from './audio.js';
import { callClaimReplySchema } from './claim.js';
import { decodeJson, encodeJson } from './codec.js';
import { callEventSchema } from './events.js';
import { mediaOutControlSchema } from './media.js';
import { mediaSubjects, subjects } from './subjects.js';
import { toolResponseSchema } from './tools.js';

const CALL = `CA${'0123456789abcdef'.repeat(2)}`;

describe('subjects', () => {
  it('builds per-claim media subjects under one wildcard per direction', () => {
    const s = mediaSubjects(CALL, 'claim-1');
    expect(s.inAudio).toBe(`media.${CALL}.claim-1.in.audio`);
    expect(s.inAll).toBe(`media.${CALL}.claim-1.in.>`);
    expect(s.outControl).toBe(`media.${CALL}.claim-1.out.ctl`);
    expect(subjects.callEvents(CALL)).toBe(`calls.events.${CALL}`);
    expect(subjects.tool('lookup_record')).toBe('tools.lookup_record');
  });
});

describe('payload contracts', () => {
  it('round-trips a call event through the wire', () => {
    const event = {
      eventId: `${CALL}:turn:item_1`,
      callSid: CALL,
      at: new Date().toISOString(),
      source: 'media-bridge' as const,
      type: 'transcript.turn' as const,
      itemId: 'item_1',
      role: 'agent' as const,
      text: 'Hello',
      interrupted: true,
      heardMs: 640,
    };
    const decoded = decodeJson(callEventSchema, encodeJson(callEventSchema, event), 'call event');
    expect(decoded).toEqual({ ok: true, value: event });
  });

  it('discriminates claim replies and media control messages', () => {
    expect(
      callClaimReplySchema.safeParse({ accepted: false, bridgeId: 'b1', reason: 'at_capacity' }).success,
    ).toBe(true);
    expect(callClaimReplySchema.safeParse({ accepted: true, bridgeId: 'b1' }).success).toBe(false);
    expect(mediaOutControlSchema.safeParse({ type: 'clear' }).success).toBe(true);
    // A bridge ends a call through the call-control port (`hang_up`), never beside the audio.
    expect(mediaOutControlSchema.safeParse({ type: 'hangup', reason: 'agent_ended' }).success).toBe(false);
  });

  it('defaults a tool response to not replayed and requires an error code on failure', () => {
    expect(toolResponseSchema.parse({ ok: true, result: { a: 1 } })).toEqual({
      ok: true,
      result: { a: 1 },
      replayed: false,
    });
    expect(
      toolResponseSchema.safeParse({ ok: false, error: { message: 'x', retryable: false } }).success,
    ).toBe(false);
  });
});

describe('audio arithmetic', () => {
  it('measures mu-law duration from base64 length without decoding', () => {
    const frame = Buffer.alloc(TWILIO_FRAME_BYTES, 0x7f).toString('base64');
    expect(mulawBase64DurationMs(frame)).toBe(20);
    expect(mulawBase64DurationMs(Buffer.alloc(1_001).toString('base64'))).toBeCloseTo(125.125);
    for (const size of [0, 1, 2, 3, 160, 1_001]) {
      const text = Buffer.alloc(size).toString('base64');
      expect(mulawBase64DurationMs(Buffer.from(text))).toBe(mulawBase64DurationMs(text));
    }
  });
});
