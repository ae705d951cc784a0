import { describe, expect, it } from 'vitest';
import {
  callControlCommandSchema,
  callControlReplySchema,
  callInstructionSchema,
  transferDialEndedReplySchema,
  transferDialEndedSchema,
  transferHeldSchema,
} from './call-control.js';
import { subjects } from './subjects.js';

const transfer = {
  type: 'transfer',
  ref: 'CA1:call_1:1',
  to: { phone: '+15550102001' },
  say: 'Connecting you to Alex.',
  whisper: 'Transfer from the AI receptionist.',
  timeoutSeconds: 20,
};

describe('the call-control contract', () => {
  it('takes every command of the vocabulary', () => {
    for (const command of [
      { type: 'hang_up', reason: 'agent_ended' },
      { type: 'say_and_hang_up', text: 'Goodbye.' },
      transfer,
      { ...transfer, to: { sip: 'sips:desk@pbx.example.com' }, say: undefined, whisper: undefined },
      { type: 'enqueue', ref: 'CA1:call_1:0', queue: 'front-desk', say: 'Please hold.' },
      { type: 'enqueue', ref: 'CA1:call_1:0', queue: 'front-desk' },
    ]) {
      expect(callControlCommandSchema.safeParse(command).success, JSON.stringify(command)).toBe(true);
    }
  });

  it('refuses what an ingress could not carry out as meant', () => {
    for (const command of [
      { type: 'hang_up' },
      { type: 'hang_up', reason: 'bored' },
      { type: 'say_and_hang_up', text: '' },
      { type: 'redirect', twiml: '<Response/>' },
      { ...transfer, to: { phone: '+15550102001', sip: 'sip:a@b' } },
      { ...transfer, to: { sip: 'http://pbx.example.com' } },
      { ...transfer, to: { sip: 'sip:a b@c' } },
      { ...transfer, ref: '' },
      { ...transfer, timeoutSeconds: 0 },
      { ...transfer, timeoutSeconds: 2.5 },
      { ...transfer, say: 'x'.repeat(2_001) },
      { type: 'enqueue', ref: 'r:1', queue: '' },
    ]) {
      expect(callControlCommandSchema.safeParse(command).success, JSON.stringify(command)).toBe(false);
    }
  });

  it('lets a next instruction hang up without a reason, which a command must give', () => {
    expect(callInstructionSchema.safeParse({ type: 'hang_up' }).success).toBe(true);
    expect(callControlCommandSchema.safeParse({ type: 'hang_up' }).success).toBe(false);
  });

  it('answers ok or a typed error, never both', () => {
    expect(callControlReplySchema.parse({ ok: true })).toEqual({ ok: true });
    const refused = { ok: false, error: { code: 'call_gone', message: 'ended', retryable: false } };
    expect(callControlReplySchema.parse(refused)).toEqual(refused);
    expect(callControlReplySchema.safeParse({ ok: false }).success).toBe(false);
    expect(
      callControlReplySchema.safeParse({
        ok: false,
        error: { code: 'teapot', message: '', retryable: false },
      }).success,
    ).toBe(false);
    expect(transferDialEndedReplySchema.safeParse({ ok: true }).success).toBe(false);
    expect(transferDialEndedReplySchema.parse({ ok: true, next: { type: 'hang_up' } })).toEqual({
      ok: true,
      next: { type: 'hang_up' },
    });
  });

  it("spells a dial's end and a hold poll in its own words, not Twilio's", () => {
    expect(transferDialEndedSchema.safeParse({ ref: 'r:1', status: 'no_answer' }).success).toBe(true);
    expect(transferDialEndedSchema.safeParse({ ref: 'r:1', status: 'no-answer' }).success).toBe(false);
    expect(transferHeldSchema.safeParse({ ref: 'r:1' }).success).toBe(true);
    expect(transferHeldSchema.safeParse({ ref: 'r:1', position: -1 }).success).toBe(false);
  });

  it('addresses commands to one call, and outcomes outside the stored escalations subjects', () => {
    expect(subjects.callControl(`CA${'a'.repeat(32)}`)).toBe(`calls.control.CA${'a'.repeat(32)}`);
    expect(subjects.transferOutcome('dial_ended')).toBe('transfers.dial_ended');
    expect(subjects.transferOutcome('held').startsWith('escalations.')).toBe(false);
  });
});
