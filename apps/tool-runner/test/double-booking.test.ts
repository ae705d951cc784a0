import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  appointments,
  createDatabase,
  type DatabaseHandle,
  migrationsFolder,
  seedDemoData,
  slots,
} from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunnerInstance, startRunnerInstance } from './support/runner.js';
import { callFrom, callTool } from './support/tool-calls.js';

const infra = useTestInfra({ migrationsFolder });
const CONCURRENT_CALLERS = 20;
const ROUNDS = 3;

let nc: NatsConnection;
let database: DatabaseHandle;
const runners: RunnerInstance[] = [];

beforeAll(async () => {
  database = createDatabase({ url: infra.databaseUrl });
  await seedDemoData(database.db);
  // Two instances, as `--scale tool-runner=2` would run: the race crosses processes' pools.
  for (const id of ['runner-a', 'runner-b'])
    runners.push(await startRunnerInstance(infra.natsUrl, infra.databaseUrl, id));
  nc = await connect({ servers: infra.natsUrl });
});

afterAll(async () => {
  await nc?.close();
  for (const runner of runners) await runner.stop();
  await database?.close();
});

describe('double booking', () => {
  it(`is impossible: ${CONCURRENT_CALLERS} callers booking one slot at once get one booking and ${CONCURRENT_CALLERS - 1} conflicts`, async () => {
    const open = await database.db
      .select({ id: slots.id })
      .from(slots)
      .where(gt(slots.startsAt, new Date()))
      .orderBy(slots.startsAt)
      .limit(ROUNDS);
    expect(open).toHaveLength(ROUNDS);

    for (const { id: slotId } of open) {
      const callers = Array.from({ length: CONCURRENT_CALLERS }, (_, i) =>
        callFrom(`+1555020${String(i).padStart(4, '0')}`),
      );
      const responses = await Promise.all(
        callers.map((context) => callTool(nc, 'book_appointment', { slotId }, context)),
      );

      const booked = responses.filter((r) => r.ok);
      const conflicts = responses.filter((r) => !r.ok && r.error.code === 'conflict');
      expect(booked).toHaveLength(1);
      expect(conflicts).toHaveLength(CONCURRENT_CALLERS - 1);

      const rows = await database.db
        .select({ callerPhone: appointments.callerPhone })
        .from(appointments)
        .where(and(eq(appointments.slotId, slotId), eq(appointments.status, 'booked')));
      expect(rows).toHaveLength(1);
      const winner = callers[responses.findIndex((r) => r.ok)];
      expect(rows[0]?.callerPhone).toBe(winner?.from);
    }
    // Both instances took part in the race.
    const servedBy = await database.db.execute<{ worker_id: string }>(
      "select distinct worker_id from tool_invocations where name = 'book_appointment'",
    );
    expect(servedBy.rows.map((r) => r.worker_id).sort()).toEqual(['runner-a', 'runner-b']);
  });
});
