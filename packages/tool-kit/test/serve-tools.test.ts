import { Svcm } from '@nats-io/services';
import { createDatabase, migrationsFolder, toolInvocations } from '@voice/shared/db';
import { Registry } from '@voice/shared/telemetry';
import { freePort } from '@voice/testkit/process';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, discoverTools, serveTools, type ToolServer } from '../src/index.js';
import { callTool, callToolRaw, toolRequest } from './support/requests.js';
import { openClients, type SuiteClients, testLogger } from './support/suite.js';
import { RunCounter, testTools } from './support/test-tools.js';

const infra = useTestInfra({ migrationsFolder });
const WORKER = 'kit-test-worker';

let clients: SuiteClients;
let server: ToolServer;
const registry = new Registry();
const runs = new RunCounter();
let lateFinish: () => void = () => {};
const late = { resolve: () => lateFinish() };

beforeAll(async () => {
  clients = await openClients(infra.natsUrl, infra.databaseUrl);
  server = await serveTools({
    nc: clients.nc,
    tools: testTools(runs, late),
    serviceName: 'kit-test',
    version: '1.0.0',
    logger: testLogger(),
    db: clients.database.db,
    registry,
    workerId: WORKER,
    defaultTimeoutMs: 4_000,
  });
});

afterAll(async () => {
  await server?.stop();
  await clients?.close();
});

async function auditRows(toolCallId: string) {
  return clients.database.db.select().from(toolInvocations).where(eq(toolInvocations.toolCallId, toolCallId));
}

describe('serving tools', () => {
  it('serves each tool as a service endpoint in the tools queue group, its contract in the metadata', async () => {
    const infos = [];
    for await (const info of await new Svcm(clients.nc).client().info('kit-test')) infos.push(info);
    expect(infos).toHaveLength(1);
    const echo = infos[0]?.endpoints.find((e) => e.name === 'echo_order');
    expect(echo).toMatchObject({ subject: 'tools.echo_order', queue_group: 'tools' });

    const tools = await discoverTools(clients.nc);
    const discovered = tools.find((t) => t.name === 'echo_order');
    expect(discovered).toEqual({
      name: 'echo_order',
      description: 'Echoes an order number back, with the caller context.',
      subject: 'tools.echo_order',
      timeoutMs: 4_000,
      parameters: {
        type: 'object',
        properties: {
          orderId: { type: 'string', minLength: 3, description: 'The order number' },
          quantity: { type: 'integer', exclusiveMinimum: 0, maximum: expect.any(Number) },
          express: { type: 'boolean', default: false },
        },
        // `express` has a default, so the model may leave it out.
        required: ['orderId'],
        additionalProperties: false,
      },
    });
    expect(tools.find((t) => t.name === 'hang_up_late')?.timeoutMs).toBe(300);
  });

  it('runs the tool with the call context and records the invocation', async () => {
    const request = toolRequest('echo_order', { orderId: 'A-1001', quantity: 2 });
    const response = await callTool(clients.nc, request);
    expect(response).toEqual({
      ok: true,
      replayed: false,
      result: { orderId: 'A-1001', quantity: 2, express: false, callSid: request.context.callSid },
    });
    const [row] = await auditRows(request.toolCallId);
    expect(row).toMatchObject({
      callSid: request.context.callSid,
      name: 'echo_order',
      arguments: { orderId: 'A-1001', quantity: 2 },
      status: 'ok',
      result: { orderId: 'A-1001', quantity: 2, express: false, callSid: request.context.callSid },
      errorCode: null,
      workerId: WORKER,
    });
    expect(row?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(row?.completedAt).toBeInstanceOf(Date);
  });

  it('answers a body that is not a tool request with bad_arguments, never silence', async () => {
    for (const body of [
      'not json',
      '{}',
      JSON.stringify({ ...toolRequest('echo_order', {}), timeoutMs: -1 }),
    ]) {
      const response = await callToolRaw(clients.nc, 'echo_order', body);
      expect(response).toMatchObject({ ok: false, error: { code: 'bad_arguments', retryable: false } });
    }
    const wrongName = await callToolRaw(
      clients.nc,
      'echo_order',
      JSON.stringify(toolRequest('slow_echo', { waitMs: 1 })),
    );
    expect(wrongName).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
    if (!wrongName.ok) expect(wrongName.error.message).toContain('serves echo_order, not slow_echo');
  });

  it('refuses schema-invalid arguments, naming each field and what was expected, without running the tool', async () => {
    const before = runs.of('echo_order');
    const request = toolRequest('echo_order', { orderId: 12, quantity: -1 });
    const response = await callTool(clients.nc, request);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe('bad_arguments');
    expect(response.error.retryable).toBe(false);
    expect(response.error.message).toMatch(/orderId: .*expected string, received number/);
    expect(response.error.message).toMatch(/quantity: .*>0/);
    expect(runs.of('echo_order')).toBe(before);
    const [row] = await auditRows(request.toolCallId);
    expect(row).toMatchObject({ status: 'error', errorCode: 'bad_arguments' });

    const missing = await callTool(clients.nc, toolRequest('echo_order', undefined));
    expect(missing).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
  });

  it('maps what a tool throws to typed errors, and hides what went wrong inside', async () => {
    const answer = async (kind: string) => {
      const response = await callTool(clients.nc, toolRequest('fail_with', { kind }));
      if (response.ok) throw new Error(`fail_with ${kind} answered ok`);
      return response.error;
    };
    expect(await answer('not_found')).toEqual({
      code: 'not_found',
      message: 'No order with that number.',
      retryable: false,
    });
    expect(await answer('conflict')).toEqual({
      code: 'conflict',
      message: 'That slot was just taken.',
      retryable: false,
    });
    expect(await answer('app_unavailable')).toMatchObject({ code: 'unavailable', retryable: true });
    const bug = await answer('bug');
    expect(bug).toMatchObject({ code: 'internal', retryable: false });
    expect(bug.message).not.toContain('secret-internal-detail');
    expect(bug.message).not.toMatch(/at .*\.ts/);
  });

  it('replies timeout within the deadline and never records the late result', async () => {
    const finished = new Promise<void>((resolve) => {
      lateFinish = resolve;
    });
    const request = toolRequest('hang_up_late', { finishAfterMs: 1_500 });
    const started = performance.now();
    const response = await callTool(clients.nc, request);
    const elapsed = performance.now() - started;
    expect(response).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    // The tool's own limit is 300 ms; the kit keeps a margin of it for the reply.
    expect(elapsed).toBeLessThan(1_200);

    await finished;
    await expect.poll(() => server.inFlight(), { timeout: 10_000 }).toBe(0);
    const rows = await auditRows(request.toolCallId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'error', errorCode: 'timeout', result: null });

    const retry = await callTool(clients.nc, request);
    expect(retry).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(runs.of('hang_up_late')).toBe(1);
  });

  it("keeps within the caller's wait when it is shorter than the tool's limit", async () => {
    const started = performance.now();
    const response = await callTool(
      clients.nc,
      toolRequest('slow_echo', { waitMs: 5_000 }, { timeoutMs: 2_000 }),
    );
    const elapsed = performance.now() - started;
    expect(response).toMatchObject({ ok: false, error: { code: 'timeout' } });
    // 2 s wait, less the reply margin: the answer comes before the caller gives up, not long before.
    expect(elapsed).toBeGreaterThanOrEqual(1_700);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('answers a retried request with the stored result, without running the tool again', async () => {
    const before = runs.of('echo_order');
    const request = toolRequest('echo_order', { orderId: 'B-2002' });
    const first = await callTool(clients.nc, request);
    const second = await callTool(clients.nc, request);
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(runs.of('echo_order')).toBe(before + 1);
    expect(await auditRows(request.toolCallId)).toHaveLength(1);
  });

  it('runs concurrent duplicates once and gives them all the one result', async () => {
    const before = runs.of('slow_echo');
    const request = toolRequest('slow_echo', { waitMs: 300 });
    const responses = await Promise.all(Array.from({ length: 5 }, () => callTool(clients.nc, request)));
    for (const response of responses) expect(response).toMatchObject({ ok: true, result: { waited: 300 } });
    expect(responses.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    expect(runs.of('slow_echo')).toBe(before + 1);
    expect(await auditRows(request.toolCallId)).toHaveLength(1);
  });

  it('takes over an invocation left running by a worker that died, but waits for a live one', async () => {
    const abandoned = toolRequest('echo_order', { orderId: 'D-4004' });
    const live = toolRequest('echo_order', { orderId: 'E-5005' }, { timeoutMs: 800 });
    for (const [request, startedAt] of [
      [abandoned, sql`now() - interval '1 hour'`],
      [live, sql`now()`],
    ] as const) {
      await clients.database.db.insert(toolInvocations).values({
        callSid: request.context.callSid,
        toolCallId: request.toolCallId,
        name: 'echo_order',
        arguments: request.arguments,
        workerId: 'dead-worker',
        startedAt,
      });
    }

    expect(await callTool(clients.nc, abandoned)).toMatchObject({ ok: true, result: { orderId: 'D-4004' } });
    expect(await auditRows(abandoned.toolCallId)).toMatchObject([{ status: 'ok', workerId: WORKER }]);

    const waited = await callTool(clients.nc, live);
    expect(waited).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    expect(await auditRows(live.toolCallId)).toMatchObject([{ status: 'running', workerId: 'dead-worker' }]);
  });

  it('refuses a tool call id already used for another tool', async () => {
    const first = toolRequest('echo_order', { orderId: 'C-3003' });
    await callTool(clients.nc, first);
    const reused = await callTool(clients.nc, { ...first, name: 'slow_echo', arguments: { waitMs: 1 } });
    expect(reused).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
  });

  it('counts invocations by tool and outcome', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/tool_invocations_total\{tool="echo_order",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/tool_invocations_total\{tool="echo_order",outcome="replayed"\} [1-9]/);
    expect(text).toMatch(/tool_invocations_total\{tool="hang_up_late",outcome="timeout"\} 1/);
    expect(text).toMatch(/tool_invocation_duration_ms_bucket\{.*tool="echo_order"/);
  });
});

describe('when Postgres is down', () => {
  it('replies unavailable (retryable) promptly instead of hanging', async () => {
    const deadDatabase = createDatabase({ url: `postgres://postgres@127.0.0.1:${await freePort()}/gone` });
    const probe = defineTool({
      name: 'ledger_probe',
      description: 'Never runs: its ledger is down.',
      schema: z.object({}),
      handler: async () => ({ ran: true }),
    });
    const down = await serveTools({
      nc: clients.nc,
      tools: [probe],
      serviceName: 'kit-test-down',
      version: '1.0.0',
      logger: testLogger(),
      db: deadDatabase.db,
      workerId: 'down-worker',
    });
    try {
      const started = performance.now();
      const response = await callTool(clients.nc, toolRequest('ledger_probe', {}));
      expect(response).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      await down.stop();
      await deadDatabase.close();
    }
  });
});
