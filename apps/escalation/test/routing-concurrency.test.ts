import { createDatabase, type DatabaseHandle, escalations, humanAgents } from '@voice/shared/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveHuman } from '../src/routing/reserve-human.js';
import { createQueueFixture, escalationRequest } from './support/fixtures.js';
import { type Harness, startHarness } from './support/harness.js';
import { useEscalationInfra } from './support/suite.js';

const HUMANS = 8;
const CONTENDERS = 40;

describe('concurrent escalations never pick the same human (real Postgres and NATS)', () => {
  const { infra, ingress } = useEscalationInfra();
  let pool: DatabaseHandle;
  const instances: Harness[] = [];

  beforeAll(() => {
    pool = createDatabase({ url: infra.databaseUrl, max: CONTENDERS });
  });
  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    await pool?.close();
  });

  it(`reserves ${HUMANS} distinct humans for ${CONTENDERS} simultaneous transactions, and nobody twice`, async () => {
    const fixture = await createQueueFixture(pool.db, {
      fallback: 'callback',
      humans: Array.from({ length: HUMANS }, (_, i) => ({ name: `Human ${i}` })),
    });
    // Every transaction holds its lock a while after reserving, so they all overlap.
    const results = await Promise.all(
      Array.from({ length: CONTENDERS }, (_, i) =>
        pool.db.transaction(async (tx) => {
          const human = await reserveHuman(tx, {
            escalationId: `race-${i}`,
            queue: fixture.queue,
            skills: [],
            excludeTried: false,
          });
          await tx.execute(sql`select pg_sleep(0.05)`);
          return human?.id;
        }),
      ),
    );
    const winners = results.filter((id): id is string => id !== undefined);
    expect(winners).toHaveLength(HUMANS);
    expect(new Set(winners).size).toBe(HUMANS);
    const held = await pool.db.select().from(humanAgents).where(eq(humanAgents.queue, fixture.queue));
    expect(held.every((human) => human.currentEscalationId?.startsWith('race-'))).toBe(true);
    expect(new Set(held.map((human) => human.currentEscalationId)).size).toBe(HUMANS);
  });

  it('two service instances on one durable consumer ring each free human once and fall back for the rest', async () => {
    for (let i = 0; i < 2; i++) {
      instances.push(await startHarness({ natsUrl: infra.natsUrl, databaseUrl: infra.databaseUrl }));
    }
    const [first] = instances as [Harness];
    const free = 6;
    const fixture = await createQueueFixture(first.db, {
      fallback: 'callback',
      humans: Array.from({ length: free }, (_, i) => ({ name: `Desk ${i}` })),
    });
    const requests = Array.from({ length: 16 }, () => escalationRequest(fixture.agentId));
    await Promise.all(requests.map((request) => first.publish(request)));
    await first.intakeSettled();

    const ids = requests.map((r) => r.escalationId);
    const rows = await first.db.select().from(escalations).where(inArray(escalations.id, ids));
    expect(rows).toHaveLength(requests.length);
    const dialing = rows.filter((r) => r.status === 'dialing');
    expect(dialing).toHaveLength(free);
    expect(new Set(dialing.map((r) => r.humanAgentId)).size).toBe(free);
    expect(rows.filter((r) => r.status === 'callback_scheduled')).toHaveLength(requests.length - free);
    for (const request of requests)
      expect(ingress.commandsFor(request.callSid).length).toBeLessThanOrEqual(1);
    expect(requests.flatMap((r) => ingress.commandsFor(r.callSid))).toHaveLength(free);
  });
});
