import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnavailableError } from '../errors/index.js';
import { createLogger } from '../logging/index.js';
import { type ConsumerOutcome, type DurableConsumerOptions, runDurableConsumer } from './durable-consumer.js';
import type { ConsumerDefinition } from './streams.js';

const DEFINITION: ConsumerDefinition = {
  stream: 'TEST',
  durable: 'test',
  filterSubject: 'test.>',
  ackWaitMs: 30_000,
  maxDeliver: -1,
  maxAckPending: 10,
};
const schema = z.object({ id: z.string() });

/** A delivered message that records how it was settled. */
function message(payload: unknown, deliveryCount = 1) {
  const settled: string[] = [];
  const m = {
    subject: 'test.one',
    seq: 1,
    data: new TextEncoder().encode(JSON.stringify(payload)),
    info: { deliveryCount },
    headers: undefined,
    ack: () => settled.push('ack'),
    nak: (delay?: number) => settled.push(`nak ${delay}`),
    term: () => settled.push('term'),
    working: () => settled.push('working'),
  };
  return { m: m as unknown as JsMsg, settled };
}

/** JetStream fakes that deliver `messages` once, then wait until closed. */
function fakeJetStream(messages: JsMsg[]) {
  let close: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    close = resolve;
  });
  async function* iterate() {
    yield* messages;
    await closed;
  }
  const iterator = Object.assign(iterate(), { close: async () => close() });
  const js = { consumers: { get: async () => ({ consume: async () => iterator }) } };
  const jsm = { consumers: { info: async () => ({}), update: async () => ({}) } };
  return { js: js as unknown as JetStreamClient, jsm: jsm as unknown as JetStreamManager };
}

async function consumeAll(
  messages: JsMsg[],
  handle: DurableConsumerOptions<typeof schema>['handle'],
  extra: { concurrency?: number; keyOf?: (value: { id: string }) => string } = {},
) {
  const outcomes: string[] = [];
  const consumer = runDurableConsumer({
    ...fakeJetStream(messages),
    definition: DEFINITION,
    schema,
    what: 'test message',
    logger: createLogger({ service: 'test', level: 'silent' }),
    handle,
    onOutcome: (outcome: ConsumerOutcome, reason?: string) =>
      outcomes.push(reason ? `${outcome} ${reason}` : outcome),
    ...extra,
  });
  while (outcomes.length < messages.length) await new Promise((r) => setTimeout(r, 5));
  await consumer.stop();
  return outcomes;
}

describe('runDurableConsumer', () => {
  it('acks after the handler, naks a thrown outage with backoff, terminates what cannot parse', async () => {
    const ok = message({ id: 'a' });
    const away = message({ id: 'b' }, 3);
    const invalid = message({ nope: true });
    const outcomes = await consumeAll([ok.m, away.m, invalid.m], async ({ id }) => {
      if (id === 'b') throw new UnavailableError('database away');
    });
    expect(outcomes).toEqual(['acked', 'retried transient', 'invalid']);
    expect([ok.settled, away.settled, invalid.settled]).toEqual([['ack'], ['nak 1000'], ['term']]);
  });

  it('terminates an unexpected failure once it has been retried enough', async () => {
    const early = message({ id: 'a' }, 9);
    const late = message({ id: 'b' }, 10);
    const outcomes = await consumeAll([early.m, late.m], async () => {
      throw new Error('bug');
    });
    expect(outcomes).toEqual(['retried unexpected', 'terminated']);
    expect([early.settled, late.settled]).toEqual([['nak 15000'], ['term']]);
  });

  it('settles as the handler decides when it returns a nak', async () => {
    const later = message({ id: 'a' });
    const outcomes = await consumeAll([later.m], async () => ({
      kind: 'nak',
      delayMs: 50,
      reason: 'busy_line',
    }));
    expect(outcomes).toEqual(['retried busy_line']);
    expect(later.settled).toEqual(['nak 50']);
  });

  it('handles up to `concurrency` at once, never two of one key', async () => {
    const first = message({ id: 'same' });
    const twin = message({ id: 'same' });
    const other = message({ id: 'other' });
    let inHand = 0;
    let most = 0;
    const outcomes = await consumeAll(
      [first.m, twin.m, other.m],
      async () => {
        most = Math.max(most, ++inHand);
        await new Promise((r) => setTimeout(r, 20));
        inHand--;
      },
      { concurrency: 2, keyOf: ({ id }) => id },
    );
    expect(outcomes.sort()).toEqual(['acked', 'acked', 'busy']);
    expect(twin.settled).toEqual(['nak 1000']);
    expect(most).toBe(2);
  });
});
