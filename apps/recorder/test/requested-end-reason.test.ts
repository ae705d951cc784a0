import type { CallEndReason, CallEvent } from '@voice/shared/contracts';
import { calls, createDatabase, type DatabaseHandle, migrationsFolder } from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCallEvent } from '../src/projection/apply-call-event.js';
import { applyEscalationStatus } from '../src/projection/apply-escalation-status.js';
import { newCallSid, wholeCallEvents } from './call-fixture.js';

const START = new Date('2026-11-20T10:00:00Z');
const at = (ms: number) => new Date(START.getTime() + ms).toISOString();

/** What a gateway publishes when it asks for the end (a hang-up, or the apology after a failure). */
function requested(callSid: string, reason: CallEndReason, ms: number): CallEvent {
  return {
    eventId: `${callSid}:end-requested:${reason}`,
    callSid,
    at: at(ms),
    source: 'gateway',
    type: 'call.end_requested',
    reason,
  };
}

/** Twilio's status callback: `completed` is published as `caller_hangup`. */
function ended(callSid: string, ms: number, reason: CallEndReason = 'caller_hangup'): CallEvent {
  return {
    eventId: `${callSid}:ended`,
    callSid,
    at: at(ms),
    source: 'gateway',
    type: 'call.ended',
    reason,
    durationSeconds: Math.round(ms / 1_000),
  };
}

describe('the end reason a gateway asked for, settled by the recorder', () => {
  const infra = useTestInfra({ migrationsFolder, nats: false });
  let database: DatabaseHandle;
  beforeAll(() => {
    database = createDatabase({ url: infra.databaseUrl, max: 2 });
  });
  afterAll(() => database?.close());

  const rowOf = async (callSid: string) =>
    (await database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];
  async function apply(callSid: string, events: CallEvent[]): Promise<void> {
    for (const event of [...wholeCallEvents(callSid, START).slice(0, 2), ...events]) {
      await applyCallEvent(database.db, event);
    }
  }

  it('keeps the reason asked for before Twilio confirmed the end (an agent hang-up)', async () => {
    const callSid = newCallSid();
    await apply(callSid, [requested(callSid, 'agent_ended', 10_000), ended(callSid, 11_000)]);
    expect(await rowOf(callSid)).toMatchObject({
      status: 'ended',
      endReason: 'agent_ended',
      durationMs: 11_000,
    });
  });

  it('whichever arrives first: the end through one gateway, the request through another', async () => {
    const callSid = newCallSid();
    await apply(callSid, [ended(callSid, 11_000)]);
    expect((await rowOf(callSid))?.endReason).toBe('caller_hangup');
    await applyCallEvent(database.db, requested(callSid, 'session_failed', 10_000));
    expect(await rowOf(callSid)).toMatchObject({ status: 'ended', endReason: 'session_failed' });
  });

  it('shows the reason while the call is still going, and the first request wins', async () => {
    const callSid = newCallSid();
    await apply(callSid, [requested(callSid, 'bridge_failed', 10_500)]);
    expect(await rowOf(callSid)).toMatchObject({ status: 'in_progress', endReason: 'bridge_failed' });
    await applyCallEvent(database.db, requested(callSid, 'session_failed', 10_000));
    await applyCallEvent(database.db, ended(callSid, 12_000));
    expect(await rowOf(callSid)).toMatchObject({ status: 'ended', endReason: 'session_failed' });
  });

  it('ignores a request made after the call had ended, and Twilio’s other statuses keep their word too', async () => {
    const late = newCallSid();
    await apply(late, [ended(late, 10_000)]);
    await applyCallEvent(database.db, requested(late, 'agent_ended', 12_000));
    expect((await rowOf(late))?.endReason).toBe('caller_hangup');

    const lateFirst = newCallSid();
    await apply(lateFirst, [requested(lateFirst, 'agent_ended', 12_000), ended(lateFirst, 10_000)]);
    expect((await rowOf(lateFirst))?.endReason).toBe('caller_hangup');
  });

  it('leaves a call handed to a human transferred', async () => {
    const callSid = newCallSid();
    await apply(callSid, []);
    await applyEscalationStatus(database.db, {
      eventId: `${callSid}:call_9:dialing:1`,
      escalationId: `${callSid}:call_9`,
      callSid,
      status: 'dialing',
      humanAgentId: 'alex-front-desk',
      at: at(9_000),
    });
    await applyCallEvent(database.db, requested(callSid, 'agent_ended', 10_000));
    await applyCallEvent(database.db, ended(callSid, 11_000));
    expect((await rowOf(callSid))?.endReason).toBe('transferred');
  });
});
