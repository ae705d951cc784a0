import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, discoverTools, type ServableTool, serveTools, toRealtimeTool } from '../src/index.js';
import { testLogger } from './support/suite.js';

// Discovery needs only NATS: workers here run without a ledger.
const infra = useTestInfra({ postgres: false });

const tool = (name: string, description: string): ServableTool =>
  defineTool({
    name,
    description,
    schema: z.object({ id: z.string().describe('What to look up') }),
    timeoutMs: 2_500,
    handler: async ({ id }) => ({ id }),
  });

let nc: NatsConnection;
const POLL = { timeout: 10_000 };

/** Names discovered now. Asserted with `expect.poll`: a loaded machine may answer a discovery round late. */
const discoveredNames = async (allowed?: string[]) =>
  (await discoverTools(nc, allowed ? { allowed } : {})).map((t) => t.name);
const connections: NatsConnection[] = [];

/** A worker on its own connection, as a separate process would be. */
async function startWorker(serviceName: string, tools: ServableTool[]) {
  const workerNc = await connect({ servers: infra.natsUrl });
  connections.push(workerNc);
  return serveTools({
    nc: workerNc,
    tools,
    serviceName,
    version: '1.0.0',
    logger: testLogger(),
    workerId: serviceName,
  });
}

beforeAll(async () => {
  nc = await connect({ servers: infra.natsUrl });
});

afterAll(async () => {
  for (const c of connections) await c.close();
  await nc?.close();
});

describe('discoverTools', () => {
  it('finds no tools when no worker runs', async () => {
    expect(await discoverTools(nc)).toEqual([]);
  });

  it('lists every tool served right now, ready for session.update, and forgets a stopped worker', async () => {
    const scheduling = await startWorker('scheduling', [
      tool('find_slot', 'Finds a slot.'),
      tool('book_slot', 'Books.'),
    ]);
    const orders = await startWorker('orders', [tool('order_status', 'Tells where an order is.')]);

    await expect.poll(() => discoveredNames(), POLL).toEqual(['book_slot', 'find_slot', 'order_status']);
    const tools = await discoverTools(nc);
    const orderStatus = tools.find((t) => t.name === 'order_status');
    expect(orderStatus).toMatchObject({ subject: 'tools.order_status', timeoutMs: 2_500 });
    expect(orderStatus && toRealtimeTool(orderStatus)).toEqual({
      type: 'function',
      name: 'order_status',
      description: 'Tells where an order is.',
      parameters: {
        type: 'object',
        properties: { id: { type: 'string', description: 'What to look up' } },
        required: ['id'],
        additionalProperties: false,
      },
    });

    await orders.stop();
    await expect.poll(() => discoveredNames(), POLL).toEqual(['book_slot', 'find_slot']);
    await scheduling.stop();
    await expect.poll(() => discoveredNames(), POLL).toEqual([]);
  });

  it("keeps only the agent profile's allowed tools", async () => {
    const worker = await startWorker('mixed', [tool('alpha', 'A.'), tool('beta', 'B.'), tool('gamma', 'C.')]);
    try {
      await expect
        .poll(() => discoveredNames(['gamma', 'alpha', 'not_served']), POLL)
        .toEqual(['alpha', 'gamma']);
      expect(await discoveredNames()).toEqual(['alpha', 'beta', 'gamma']);
      expect(await discoveredNames([])).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it('lists a tool once however many instances serve it', async () => {
    const first = await startWorker('scaled', [tool('scaled_tool', 'Served twice.')]);
    const second = await startWorker('scaled', [tool('scaled_tool', 'Served twice.')]);
    try {
      const infos = [];
      for await (const info of await new Svcm(nc).client().info('scaled')) infos.push(info);
      expect(infos).toHaveLength(2);
      expect(await discoveredNames()).toEqual(['scaled_tool']);
      await first.stop();
      // One instance left: still offered.
      expect(await discoveredNames()).toEqual(['scaled_tool']);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('leaves out a tool whose parameters are not an object schema (the API would refuse the session)', async () => {
    const worker = await new Svcm(nc).add({ name: 'union-root', version: '1.0.0' });
    worker.addEndpoint('pick', {
      subject: 'tools.pick',
      metadata: { 'tool.parameters': JSON.stringify({ anyOf: [{ type: 'string' }, { type: 'number' }] }) },
      handler: (_err, msg) => msg.respond('{}'),
    });
    try {
      expect(await discoverTools(nc)).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it('ignores services that are not tool workers', async () => {
    const other = await new Svcm(nc).add({ name: 'not-a-tool', version: '1.0.0' });
    other.addEndpoint('ping', { subject: 'other.ping', handler: (_err, msg) => msg.respond('pong') });
    try {
      expect(await discoverTools(nc)).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
