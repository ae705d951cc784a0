import type { EscalationStatus } from '@voice/shared/contracts';
import { calls, createDatabase, type DatabaseHandle, migrationsFolder } from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCallEvent } from '../src/projection/apply-call-event.js';
import { applyEscalationStatus } from '../src/projection/apply-escalation-status.js';
import { newCallSid, wholeCallEvents } from './call-fixture.js';

function dialing(callSid: string): EscalationStatus {
  return {
    eventId: `${callSid}:call_9:dialing:1`,
    escalationId: `${callSid}:call_9`,
    callSid,
    status: 'dialing',
    humanAgentId: 'alex-front-desk',
    at: '2026-11-20T10:00:10.000Z',
  };
}

describe('a call handed to a human ends as transferred', () => {
  const infra = useTestInfra({ migrationsFolder, nats: false });
  let database: DatabaseHandle;
  beforeAll(() => {
    database = createDatabase({ url: infra.databaseUrl, max: 2 });
  });
  afterAll(() => database?.close());

  const endReasonOf = async (callSid: string) =>
    (await database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0]?.endReason;

  // Twilio's status callback says `completed` once the caller and the human hang up.
  const started = (callSid: string) => wholeCallEvents(callSid).slice(0, 2);
  const completed = (callSid: string) => wholeCallEvents(callSid).slice(-1);

  it('when the hand-off is recorded before the end', async () => {
    const callSid = newCallSid();
    for (const e of started(callSid)) await applyCallEvent(database.db, e);
    await applyEscalationStatus(database.db, dialing(callSid));
    for (const e of completed(callSid)) await applyCallEvent(database.db, e);
    expect(await endReasonOf(callSid)).toBe('transferred');
  });

  it('when the end is recorded before the hand-off', async () => {
    const callSid = newCallSid();
    for (const e of [...started(callSid), ...completed(callSid)]) await applyCallEvent(database.db, e);
    expect(await endReasonOf(callSid)).toBe('completed');
    await applyEscalationStatus(database.db, dialing(callSid));
    expect(await endReasonOf(callSid)).toBe('transferred');
  });

  it('not when the escalation only scheduled a call-back', async () => {
    const callSid = newCallSid();
    for (const e of started(callSid)) await applyCallEvent(database.db, e);
    await applyEscalationStatus(database.db, {
      ...dialing(callSid),
      eventId: 'cb',
      status: 'callback_scheduled',
    });
    for (const e of completed(callSid)) await applyCallEvent(database.db, e);
    expect(await endReasonOf(callSid)).toBe('completed');
  });
});
