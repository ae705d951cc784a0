import { createDatabase, type DatabaseHandle, migrationsFolder } from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCallRecord } from '../src/api/call-record.js';
import { applyCallEvent } from '../src/projection/apply-call-event.js';
import { newCallSid, wholeCallEvents } from './call-fixture.js';

/**
 * A record is read in several statements; an event committed between them must not show in the
 * timeline beside a call row from before it. The test commits `call.ended` while the read is
 * parked on a lock after its first statement, so the interleaving is forced, not hoped for.
 */
describe('a call record is one snapshot', () => {
  const infra = useTestInfra({ migrationsFolder, nats: false });
  let database: DatabaseHandle;
  let locker: pg.Client;
  beforeAll(async () => {
    database = createDatabase({ url: infra.databaseUrl, max: 4 });
    locker = new pg.Client({ connectionString: infra.databaseUrl });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await database?.close();
  });

  const waitersOnTranscripts = async () => {
    const { rows } = await locker.query<{ n: number }>(
      `select count(*)::int as n from pg_locks where not granted and relation = 'transcript_turns'::regclass`,
    );
    return rows[0]?.n ?? 0;
  };

  it('an end committed mid-read shows in neither the row nor the timeline', async () => {
    const callSid = newCallSid();
    const events = wholeCallEvents(callSid);
    const ended = events.find((e) => e.type === 'call.ended');
    if (!ended) throw new Error('the fixture has no call.ended');
    for (const e of events.filter((e) => e.type !== 'call.ended')) await applyCallEvent(database.db, e);

    await locker.query('begin');
    await locker.query('lock table transcript_turns in access exclusive mode');
    try {
      const reading = getCallRecord(database.db, callSid);
      while ((await waitersOnTranscripts()) === 0) await new Promise((r) => setTimeout(r, 10));
      expect(await applyCallEvent(database.db, ended)).toBe(true);
      await locker.query('commit');
      const record = await reading;
      expect(record?.call.status).not.toBe('ended');
      expect(record?.timeline.map((entry) => entry.type)).not.toContain('call.ended');
    } finally {
      await locker.query('rollback').catch(() => undefined);
    }

    const after = await getCallRecord(database.db, callSid);
    expect(after?.call.status).toBe('ended');
    expect(after?.timeline.map((entry) => entry.type)).toContain('call.ended');
  });
});
