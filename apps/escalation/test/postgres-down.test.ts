import { createDatabase, type DatabaseHandle, escalations } from '@voice/shared/db';
import { TcpProxy, targetOf, throughProxy } from '@voice/testkit/infra';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueFixture, escalationRequest } from './support/fixtures.js';
import { counterValue, type Harness, startHarness } from './support/harness.js';
import { useEscalationInfra } from './support/suite.js';
import { waitUntil } from './support/wait.js';

/** Postgres' port when a URL names none. */
const POSTGRES_PORT = 5432;

describe('Postgres down during intake (real NATS and Postgres behind a cuttable proxy)', () => {
  const { infra, ingress } = useEscalationInfra();
  let proxy: TcpProxy;
  let direct: DatabaseHandle;
  let h: Harness;

  beforeAll(async () => {
    proxy = new TcpProxy(targetOf(infra.databaseUrl, POSTGRES_PORT));
    const port = await proxy.start();
    direct = createDatabase({ url: infra.databaseUrl, max: 2 });
    h = await startHarness({
      natsUrl: infra.natsUrl,
      databaseUrl: throughProxy(infra.databaseUrl, port),
    });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.stop();
    await direct?.close();
  });

  it('loses nothing: requests published while Postgres is unreachable are persisted and routed exactly once after', async () => {
    const fixture = await createQueueFixture(direct.db, {
      fallback: 'callback',
      humans: [{ name: 'Alex Romero' }, { name: 'Sam Okafor' }],
    });
    const requests = Array.from({ length: 4 }, () => escalationRequest(fixture.agentId));
    const naksBefore = await counterValue(h.registry, 'escalation_intake_naks_total', {
      reason: 'transient',
    });

    proxy.pause();
    await Promise.all(requests.map((request) => h.publish(request)));
    // Every request has been tried at least once and handed back for a later delivery.
    await waitUntil('every request to be retried while Postgres is down', async () => {
      const naks = await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'transient' });
      return naks - naksBefore >= requests.length;
    });
    const ids = requests.map((r) => r.escalationId);
    expect(await direct.db.select().from(escalations).where(inArray(escalations.id, ids))).toHaveLength(0);
    expect(h.statuses.seen.filter((s) => ids.includes(s.escalationId))).toHaveLength(0);

    proxy.resume();
    await h.intakeSettled();
    const rows = await direct.db.select().from(escalations).where(inArray(escalations.id, ids));
    expect(rows).toHaveLength(requests.length);
    expect(rows.map((r) => r.status).sort()).toEqual([
      'callback_scheduled',
      'callback_scheduled',
      'dialing',
      'dialing',
    ]);
    for (const request of requests)
      expect(ingress.commandsFor(request.callSid).length).toBeLessThanOrEqual(1);
    expect(requests.flatMap((r) => ingress.commandsFor(r.callSid))).toHaveLength(2);
    // The agent of every call is told where its request ended up.
    for (const row of rows)
      await h.statuses.waitFor(row.id, row.status === 'dialing' ? 'dialing' : 'callback_scheduled');
  });
});
