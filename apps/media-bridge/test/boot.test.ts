import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createDatabase, DEMO_AGENT_ID, migrationsFolder, seedDemoData } from '@voice/shared/db';
import { FakeRealtimeServer } from '@voice/testkit/openai';
import { freePort, type ManagedProcess, startProcess } from '@voice/testkit/process';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGatewayCall } from './support/fake-gateway.js';

const infra = useTestInfra({ migrationsFolder });
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let fake: FakeRealtimeServer;
let nc: NatsConnection;
let bridge: ManagedProcess | undefined;
let baseUrl: string;

beforeAll(async () => {
  const database = createDatabase({ url: infra.databaseUrl });
  await seedDemoData(database.db);
  await database.close();
  fake = await FakeRealtimeServer.start({ apiKey: 'sk-boot-test' });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  bridge = await startProcess({
    name: 'media-bridge',
    command: process.execPath,
    args: [MAIN],
    env: {
      NATS_URL: infra.natsUrl,
      DATABASE_URL: infra.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      INSTANCE_ID: 'media-bridge-boot',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '6000',
      OPENAI_API_KEY: 'sk-boot-test',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_EXTRA_CA_FILE: await fake.writeCaFile(),
    },
    readyUrl: `${baseUrl}/readyz`,
  });
  nc = await connect({ servers: infra.natsUrl });
});

afterAll(async () => {
  await bridge?.kill();
  await nc?.close();
  await fake?.stop();
});

describe('media-bridge as a process', () => {
  it('is alive, trusts the extra CA for the model socket and greets a claimed call', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const call = await FakeGatewayCall.claim(nc, { agentId: DEMO_AGENT_ID });
    expect(call.reply).toMatchObject({ accepted: true, bridgeId: 'media-bridge-boot' });
    call.start();
    await call.waitFor(() => call.heardMs > 500, 15_000, 'greeting audio');
    expect(fake.upgrades.at(-1)).toMatchObject({ outcome: 'accepted', authorization: 'Bearer sk-boot-test' });
    // A talking call needs no heartbeat; once the greeting has gone out the quiet call has them.
    await call.waitFor(() => call.controls('heartbeat').length > 0, 15_000, 'a heartbeat on the quiet call');

    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/media_bridge_active_sessions\{service="media-bridge"\} 1/);
    expect(metrics).toMatch(/media_bridge_claims_total\{outcome="accepted",service="media-bridge"\} 1/);
    call.close();
  });

  it('on SIGTERM stops claiming, hands live calls back and exits 0', async () => {
    const call = await FakeGatewayCall.claim(nc, { agentId: DEMO_AGENT_ID });
    call.start();
    const exit = await bridge?.stop('SIGTERM', 20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    await call.waitFor(() => call.controls('release')[0], 5_000, 'a release');
    expect(call.controls('release')[0]?.control).toEqual({ type: 'release', reason: 'draining' });
    expect(bridge?.lines.some((line) => line.includes('shutdown complete'))).toBe(true);
    call.close();
  });
});
