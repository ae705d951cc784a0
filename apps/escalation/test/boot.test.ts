import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createDatabase, type DatabaseHandle } from '@voice/shared/db';
import { freePort, type ManagedProcess, startProcess } from '@voice/testkit/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueFixture, escalationRequest } from './support/fixtures.js';
import { useEscalationInfra } from './support/suite.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('the built service as a real process', () => {
  const { infra, ingress } = useEscalationInfra();
  let service: ManagedProcess | undefined;
  let direct: DatabaseHandle;
  let base = '';

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run \`npm run build -w @voice/escalation\` first`);
    direct = createDatabase({ url: infra.databaseUrl, max: 2 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await startProcess({
      name: 'escalation',
      command: process.execPath,
      args: [MAIN],
      env: {
        NODE_ENV: 'test',
        NATS_URL: infra.natsUrl,
        DATABASE_URL: infra.databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ESCALATION_PUBLIC_BASE_URL: 'https://escalation.example.test',
        SHUTDOWN_TIMEOUT_MS: '10000',
      },
      readyUrl: `${base}/healthz`,
    });
  });
  afterAll(async () => {
    await service?.kill();
    await direct?.close();
  });

  it('answers /healthz and /readyz, and serves its metrics and console', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { nats: true, postgres: true } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('escalation_intake_deliveries_total');
    expect((await fetch(`${base}/console/login`)).status).toBe(200);
  });

  it('consumes a request and asks the ingress to transfer the call', async () => {
    const fixture = await createQueueFixture(direct.db, {
      fallback: 'callback',
      humans: [{ name: 'Alex Romero' }],
    });
    const request = escalationRequest(fixture.agentId);
    const nc = await connect({ servers: infra.natsUrl });
    try {
      await jetstream(nc).publish('escalations.requested', JSON.stringify(request), {
        msgID: request.escalationId,
      });
    } finally {
      await nc.drain();
    }
    const taken = await ingress.waitForCommand((c) => c.callSid === request.callSid, 20_000);
    expect(taken.command).toMatchObject({ type: 'transfer', to: { phone: fixture.humans[0]?.phone } });
  });

  it('exits 0 on SIGTERM after a clean shutdown', async () => {
    const exit = await service?.stop('SIGTERM', 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(
      service?.lines.some((line) => line.includes('"clean":true') && line.includes('shutdown complete')),
    ).toBe(true);
  });
});
