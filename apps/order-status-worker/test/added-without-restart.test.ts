import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { ToolRequest, ToolResponse } from '@voice/shared/contracts';
import {
  agentProfiles,
  createDatabase,
  DEMO_AGENT_ID,
  DEMO_AGENT_NUMBER,
  DEMO_CALLER_NUMBER,
  DEMO_TOOLS,
  migrationsFolder,
  seedDemoData,
  toolInvocations,
} from '@voice/shared/db';
import type { ManagedProcess } from '@voice/testkit/process';
import { type RunningSystem, startSystem } from '@voice/testkit/system';
import { useTestInfra } from '@voice/testkit/vitest';
import { discoverTools, requestTool, toRealtimeTool } from '@voice/tool-kit';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const infra = useTestInfra({ migrationsFolder });
const TOOL_RUNNER_TOOLS = [
  'book_appointment',
  'cancel_appointment',
  'create_ticket',
  'find_open_slots',
  'get_ticket_status',
  'lookup_record',
];
const POLL = { timeout: 15_000 };
/** The built apps are run from here (`apps/<name>/dist/main.js`). */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

const callSid = `CA${randomBytes(16).toString('hex')}`;
let sequence = 0;

async function callTool(
  name: string,
  args: unknown,
): Promise<{ request: ToolRequest; response: ToolResponse }> {
  sequence += 1;
  const request: ToolRequest = {
    toolCallId: `call_live_${sequence}`,
    name,
    arguments: args,
    context: { callSid, from: DEMO_CALLER_NUMBER, to: DEMO_AGENT_NUMBER, agentId: DEMO_AGENT_ID },
    timeoutMs: 5_000,
  };
  return { request, response: await requestTool(nc, request) };
}

/** Adds a tool to the demo agent's profile, as an operator would; returns the profile's new list. */
async function allowForDemoAgent(tool: string): Promise<string[]> {
  const database = createDatabase({ url: infra.databaseUrl });
  try {
    const [profile] = await database.db
      .update(agentProfiles)
      .set({ allowedTools: sql`array_append(${agentProfiles.allowedTools}, ${tool})` })
      .where(eq(agentProfiles.id, DEMO_AGENT_ID))
      .returning({ allowedTools: agentProfiles.allowedTools });
    return profile?.allowedTools ?? [];
  } finally {
    await database.close();
  }
}

let nc: NatsConnection;
let system: RunningSystem;
let toolRunner: ManagedProcess;

/** What a call starting now would be offered (the demo agent allows every demo tool). */
const offeredNames = async (allowed?: readonly string[]) =>
  (await discoverTools(nc, allowed ? { allowed } : {})).map((t) => t.name);

beforeAll(async () => {
  const database = createDatabase({ url: infra.databaseUrl });
  await seedDemoData(database.db);
  await database.close();
  system = await startSystem({
    repoRoot,
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    apps: ['tool-runner'],
    appEnv: { 'tool-runner': { INSTANCE_ID: 'tool-runner-live' } },
  });
  toolRunner = system.app('tool-runner').process;
  nc = await connect({ servers: infra.natsUrl });
});

afterAll(async () => {
  await system?.stop();
  await nc?.close();
});

describe('adding a tool as a new worker', () => {
  it('is offered on the next call and answers, with nothing else restarted, and goes when the worker goes', async () => {
    await expect.poll(() => offeredNames(), POLL).toEqual(TOOL_RUNNER_TOOLS);
    const runnerPid = toolRunner.pid;

    const worker = (await system.startInstance('order-status-worker', { INSTANCE_ID: 'order-status-live' }))
      .process;
    await expect.poll(() => offeredNames(), POLL).toContain('get_order_status');
    const offered = (await discoverTools(nc)).find((t) => t.name === 'get_order_status');
    expect(offered && toRealtimeTool(offered)).toEqual({
      type: 'function',
      name: 'get_order_status',
      description: 'Tell the caller where their order is, by its order number (like A-1001).',
      parameters: {
        type: 'object',
        properties: {
          orderId: {
            type: 'string',
            minLength: 1,
            maxLength: 20,
            description: 'The order number, e.g. A-1001.',
          },
        },
        required: ['orderId'],
        additionalProperties: false,
      },
    });
    expect(offered?.timeoutMs).toBe(2_000);
    // An agent profile filters it like any other tool: allowing it is a row update, not a restart.
    expect(await offeredNames(DEMO_TOOLS)).toEqual(TOOL_RUNNER_TOOLS);
    expect(await offeredNames(await allowForDemoAgent('get_order_status'))).toEqual(
      [...TOOL_RUNNER_TOOLS, 'get_order_status'].sort(),
    );

    const { request, response } = await callTool('get_order_status', { orderId: 'a1002' });
    expect(response).toEqual({
      ok: true,
      replayed: false,
      result: {
        orderId: 'A-1002',
        status: 'processing',
        detail: 'Being packed; it ships within 1 working day.',
      },
    });
    const audit = createDatabase({ url: infra.databaseUrl });
    try {
      const rows = await audit.db
        .select()
        .from(toolInvocations)
        .where(eq(toolInvocations.toolCallId, request.toolCallId));
      expect(rows).toMatchObject([{ name: 'get_order_status', status: 'ok', workerId: 'order-status-live' }]);
    } finally {
      await audit.close();
    }

    // The tool-runner kept running throughout: same process, still answering, started once.
    expect(toolRunner.pid).toBe(runnerPid);
    expect((await callTool('lookup_record', {})).response.ok).toBe(true);
    expect(toolRunner.lines.filter((line) => line.includes('serving tools'))).toHaveLength(1);

    expect(await worker.stop('SIGTERM', 20_000)).toEqual({ code: 0, signal: null });
    await expect.poll(() => offeredNames(), POLL).toEqual(TOOL_RUNNER_TOOLS);
  });
});
