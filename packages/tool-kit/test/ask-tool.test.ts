import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { subjects } from '@voice/shared/contracts';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askTool } from '../src/index.js';
import { toolRequest } from './support/requests.js';

// The bridge's client needs only NATS: the "workers" here are bare subscriptions.
const infra = useTestInfra({ postgres: false });

let nc: NatsConnection;

beforeAll(async () => {
  nc = await connect({ servers: infra.natsUrl, name: 'ask-tool-test' });
  const reply = (name: string, body: string) =>
    nc.subscribe(subjects.tool(name), {
      callback: (_error, msg) => {
        msg.respond(body);
      },
    });
  reply('ask_garbled', 'not json');
  reply('ask_fine', JSON.stringify({ ok: true, replayed: false, result: { n: 1 } }));
  nc.subscribe(subjects.tool('ask_silent'), { callback: () => {} });
  await nc.flush();
});

afterAll(async () => {
  await nc?.drain();
});

describe('askTool', () => {
  it('passes a worker answer through', async () => {
    expect(await askTool(nc, toolRequest('ask_fine', {}))).toEqual({
      ok: true,
      replayed: false,
      result: { n: 1 },
    });
  });

  it('answers a missing worker, a silent one and an unreadable reply with tool errors', async () => {
    expect(await askTool(nc, toolRequest('ask_nobody', {}))).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'The ask_nobody tool is not available right now.',
        retryable: true,
      },
    });
    expect(await askTool(nc, toolRequest('ask_silent', {}, { timeoutMs: 300 }))).toEqual({
      ok: false,
      error: {
        code: 'timeout',
        message: 'The ask_silent tool did not answer within 0.3 seconds.',
        retryable: true,
      },
    });
    expect(await askTool(nc, toolRequest('ask_garbled', {}))).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'The ask_garbled tool answered something unreadable.',
        retryable: false,
      },
    });
  });
});
