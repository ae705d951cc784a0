import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  callEvents,
  calls,
  createDatabase,
  type DatabaseHandle,
  migrationsFolder,
  toolInvocations,
  transcriptTurns,
} from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { ensureStreams, JetStreamOutbox } from '@voice/shared/nats';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Recorder, startRecorder } from '../src/recorder.js';
import { newCallSid, wholeCallEvents } from './call-fixture.js';

const logger = createLogger({ service: 'recorder-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

describe('recorder (real NATS + Postgres)', () => {
  const infra = useTestInfra({ migrationsFolder });
  let nc: NatsConnection;
  let database: DatabaseHandle;
  let outbox: JetStreamOutbox;
  const outboxRoot = mkdtempSync(join(tmpdir(), 'recorder-outbox-'));
  let acked = 0;
  let duplicates = 0;
  const waiters: Array<() => void> = [];

  const start = async (): Promise<Recorder> =>
    startRecorder({
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      db: database.db,
      logger,
      onOutcome: (_stream, outcome) => {
        if (outcome === 'acked') acked++;
        if (outcome === 'duplicate') duplicates++;
        for (const w of waiters.splice(0)) w();
      },
    });

  /** Resolves once the recorder has acked `count` messages in total. */
  const ackedAtLeast = (count: number, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`only ${acked} of ${count} acked`)), timeoutMs);
      const check = () => {
        if (acked >= count) {
          clearTimeout(deadline);
          resolve();
        } else waiters.push(check);
      };
      check();
    });

  beforeAll(async () => {
    nc = await connect({ servers: infra.natsUrl });
    await ensureStreams(await jetstreamManager(nc));
    database = createDatabase({ url: infra.databaseUrl, max: 4 });
    outbox = new JetStreamOutbox({ js: jetstream(nc), logger, root: outboxRoot, service: 'recorder-test' });
  });
  afterAll(async () => {
    outbox?.close();
    rmSync(outboxRoot, { recursive: true, force: true });
    await database?.close();
    await nc?.close();
  });

  it('turns a whole call into its record, field by field', async () => {
    const recorder = await start();
    const callSid = newCallSid();
    const events = wholeCallEvents(callSid);
    const before = acked;
    await Promise.all(events.map((e) => outbox.publishCallEvent(e)));
    await ackedAtLeast(before + events.length);
    await recorder.stop();

    const [call] = await database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(call).toMatchObject({
      fromNumber: '+15550100001',
      toNumber: '+15550001000',
      agentId: 'maple-dental-reception',
      status: 'ended',
      endReason: 'agent_ended',
      durationMs: 12_000,
      bridgeId: 'media-bridge-1',
    });
    expect(call?.answeredAt?.toISOString()).toBe('2026-11-20T10:00:00.900Z');
    expect(call?.endedAt?.toISOString()).toBe('2026-11-20T10:00:12.000Z');

    const turns = await database.db
      .select()
      .from(transcriptTurns)
      .where(eq(transcriptTurns.callSid, callSid))
      .orderBy(transcriptTurns.startedAt);
    expect(turns.map((t) => [t.role, t.text, t.interrupted, t.heardMs])).toEqual([
      ['agent', 'Thank you for calling Maple Street Dental.', false, 2_600],
      ['caller', 'When is my next appointment?', false, null],
      ['agent', 'Your next appointment is on', true, 1_200],
    ]);
    // The tool workers' ledger has one writer, the workers: the recorder leaves it alone.
    const ledger = await database.db
      .select()
      .from(toolInvocations)
      .where(eq(toolInvocations.callSid, callSid));
    expect(ledger).toEqual([]);
  });

  it('applies each event once: duplicates on the wire and redeliveries after a restart change nothing', async () => {
    const callSid = newCallSid();
    const events = wholeCallEvents(callSid);
    const firstHalf = events.slice(0, 6);

    let recorder = await start();
    const before = acked;
    await Promise.all(firstHalf.map((e) => outbox.publishCallEvent(e)));
    await ackedAtLeast(before + firstHalf.length);
    await recorder.stop();

    // While the recorder is down: the rest, plus every event again (a publisher retrying).
    await Promise.all(events.map((e) => outbox.publishCallEvent(e)));
    // The same events under new message ids: JetStream stores them, the recorder must not apply them twice.
    await Promise.all(
      firstHalf.map((e) =>
        outbox.publish(`calls.events.${callSid}`, Buffer.from(JSON.stringify(e)), `${e.eventId}:replay`),
      ),
    );

    const duplicatesBefore = duplicates;
    recorder = await start();
    await ackedAtLeast(before + events.length + firstHalf.length);
    await recorder.stop();

    expect(duplicates - duplicatesBefore).toBe(firstHalf.length);
    const [{ count }] = (await database.db
      .select({ count: sql<number>`count(*)::int` })
      .from(callEvents)
      .where(eq(callEvents.callSid, callSid))) as [{ count: number }];
    expect(count).toBe(events.length);
    const turns = await database.db
      .select()
      .from(transcriptTurns)
      .where(eq(transcriptTurns.callSid, callSid));
    expect(turns).toHaveLength(3);
  });

  it('terminates an invalid event instead of retrying it forever, and keeps going', async () => {
    const recorder = await start();
    const callSid = newCallSid();
    await outbox.publish(`calls.events.${callSid}`, Buffer.from('{"type":"call.started"}'), `${callSid}:bad`);
    const good = wholeCallEvents(callSid)[0];
    const before = acked;
    if (good) await outbox.publishCallEvent(good);
    await ackedAtLeast(before + 1);
    const jsm = await jetstreamManager(nc);
    // Terminated, not left pending: nothing waits for redelivery.
    await expect
      .poll(async () => (await jsm.consumers.info('CALLS', 'recorder-calls')).num_ack_pending)
      .toBe(0);
    await recorder.stop();
    const rows = await database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(rows).toHaveLength(1);
  });
});
