import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createDatabase, migrationsFolder, seedDemoData } from '@voice/shared/db';
import type { ManagedProcess } from '@voice/testkit/process';
import { type RunningSystem, startSystem } from '@voice/testkit/system';
import { useTestInfra } from '@voice/testkit/vitest';
import { discoverTools } from '@voice/tool-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/repo.js';
import { callTool, okResult } from './support/tool-calls.js';

const infra = useTestInfra({ migrationsFolder });
const TOOLS = [
  'book_appointment',
  'cancel_appointment',
  'create_ticket',
  'find_open_slots',
  'get_ticket_status',
  'lookup_record',
];
const POLL = { timeout: 15_000 };

let nc: NatsConnection;
let system: RunningSystem | undefined;
let runner: ManagedProcess | undefined;
let baseUrl: string;

beforeAll(async () => {
  const database = createDatabase({ url: infra.databaseUrl });
  await seedDemoData(database.db);
  await database.close();
  system = await startSystem({
    repoRoot,
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    apps: ['tool-runner'],
    appEnv: { 'tool-runner': { INSTANCE_ID: 'tool-runner-boot' } },
  });
  const app = system.app('tool-runner');
  runner = app.process;
  baseUrl = app.url;
  nc = await connect({ servers: infra.natsUrl });
});

afterAll(async () => {
  await system?.stop();
  await nc?.close();
});

const discoveredNames = async () => (await discoverTools(nc)).map((t) => t.name);

describe('tool-runner as a process', () => {
  it('is alive and ready, serves its six tools and counts them', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await expect.poll(discoveredNames, POLL).toEqual(TOOLS);

    await okResult(callTool(nc, 'lookup_record', {}));
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /tool_invocations_total\{tool="lookup_record",outcome="ok",service="tool-runner"\} 1/,
    );
  });

  it('leaves on SIGTERM with exit code 0, and its tools leave discovery', async () => {
    const exit = await runner?.stop('SIGTERM', 20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(runner?.lines.some((line) => line.includes('shutdown complete'))).toBe(true);
    await expect.poll(discoveredNames, POLL).toEqual([]);
  });
});
