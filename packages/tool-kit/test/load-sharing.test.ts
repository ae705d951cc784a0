import { migrationsFolder, toolInvocations } from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, serveTools, type ToolServer } from '../src/index.js';
import { callContext, callTool, toolRequest } from './support/requests.js';
import { openClients, type SuiteClients, testLogger } from './support/suite.js';

const infra = useTestInfra({ migrationsFolder });
const REQUESTS = 200;
const CONCURRENCY = 20;

/** The same tool as two instances serve it; each counts what it ran. */
function countingTool(ranBy: string, counts: Map<string, number>) {
  return defineTool({
    name: 'whoami',
    description: 'Says which worker answered.',
    schema: z.object({ n: z.number().int() }),
    handler: async ({ n }) => {
      counts.set(ranBy, (counts.get(ranBy) ?? 0) + 1);
      return { n, worker: ranBy };
    },
  });
}

let caller: SuiteClients;
const workers: Array<{ clients: SuiteClients; server: ToolServer }> = [];
const counts = new Map<string, number>();

beforeAll(async () => {
  caller = await openClients(infra.natsUrl, infra.databaseUrl);
  for (const id of ['worker-a', 'worker-b']) {
    // Each instance on its own connection, as two processes would be.
    const clients = await openClients(infra.natsUrl, infra.databaseUrl);
    const server = await serveTools({
      nc: clients.nc,
      tools: [countingTool(id, counts)],
      serviceName: 'whoami-worker',
      version: '1.0.0',
      logger: testLogger(),
      db: clients.database.db,
      workerId: id,
    });
    workers.push({ clients, server });
  }
});

afterAll(async () => {
  for (const { clients, server } of workers) {
    await server.stop();
    await clients.close();
  }
  await caller?.close();
});

describe('two instances of one worker', () => {
  it('share the requests of the tools queue group, and every request is answered and run once', async () => {
    const context = callContext();
    const answers: Array<{ n: number; worker: string }> = [];
    for (let batch = 0; batch < REQUESTS / CONCURRENCY; batch++) {
      const responses = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => {
          const n = batch * CONCURRENCY + i;
          return callTool(caller.nc, toolRequest('whoami', { n }, { toolCallId: `share_${n}`, context }));
        }),
      );
      for (const response of responses) {
        if (!response.ok) throw new Error(`whoami failed: ${response.error.message}`);
        answers.push(response.result as { n: number; worker: string });
      }
    }

    expect(answers.map((a) => a.n).sort((x, y) => x - y)).toEqual(
      Array.from({ length: REQUESTS }, (_, n) => n),
    );
    const servedA = answers.filter((a) => a.worker === 'worker-a').length;
    const servedB = answers.filter((a) => a.worker === 'worker-b').length;
    expect(servedA).toBeGreaterThan(0);
    expect(servedB).toBeGreaterThan(0);
    expect(servedA + servedB).toBe(REQUESTS);
    // Ran exactly as often as answered: no request was run by both.
    expect((counts.get('worker-a') ?? 0) + (counts.get('worker-b') ?? 0)).toBe(REQUESTS);

    const rows = await caller.database.db
      .select({ workerId: toolInvocations.workerId, count: sql<number>`count(*)::int` })
      .from(toolInvocations)
      .where(eq(toolInvocations.callSid, context.callSid))
      .groupBy(toolInvocations.workerId);
    expect(Object.fromEntries(rows.map((r) => [r.workerId, r.count]))).toEqual({
      'worker-a': servedA,
      'worker-b': servedB,
    });
  });

  it('run a duplicate that reaches both instances only once', async () => {
    const before = (counts.get('worker-a') ?? 0) + (counts.get('worker-b') ?? 0);
    const request = toolRequest('whoami', { n: -1 });
    const responses = await Promise.all(Array.from({ length: 10 }, () => callTool(caller.nc, request)));
    const results = responses.map((r) => (r.ok ? r.result : r.error));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect((counts.get('worker-a') ?? 0) + (counts.get('worker-b') ?? 0)).toBe(before + 1);
  });
});
