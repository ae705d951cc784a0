import type { StreamingCall } from '@voice/shared/contracts';
import { createLogger } from '@voice/shared/logging';
import { connectNats, KV_BUCKETS, type NatsConnection, openKvBucket } from '@voice/shared/nats';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStreams } from '../src/calls/call-streams.js';
import { createNatsCallStreams } from '../src/calls/nats-call-streams.js';
import { AGENT_NUMBER, CALLER_NUMBER, TEST_ACCOUNT_SID } from './support/config.js';

const logger = createLogger({ service: 'call-streams-it', level: 'silent' });

function streaming(streamDigit: string, bridgeId: string): StreamingCall {
  return {
    state: 'streaming',
    streamSid: `MZ${streamDigit.repeat(32)}`,
    claimId: `claim-${bridgeId}`,
    bridgeId,
    accountSid: TEST_ACCOUNT_SID,
    from: CALLER_NUMBER,
    to: AGENT_NUMBER,
    agentId: 'integration-agent',
  };
}

describe('call stream slots on NATS KV, shared by gateways', () => {
  const infra = useTestInfra({ postgres: false });
  const connections: NatsConnection[] = [];
  let gatewayA: CallStreams;
  let gatewayB: CallStreams;

  beforeAll(async () => {
    // Two gateways: each its own connection, both opening the one bucket.
    for (const name of ['gateway-a', 'gateway-b']) {
      connections.push(await connectNats({ url: infra.natsUrl, name, logger }));
    }
    const [a, b] = connections as [NatsConnection, NatsConnection];
    gatewayA = createNatsCallStreams(await openKvBucket(a, KV_BUCKETS.callStreams));
    gatewayB = createNatsCallStreams(await openKvBucket(b, KV_BUCKETS.callStreams));
  });
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.drain()));
  });

  it('lets exactly one of two racing starts take a call’s slot, and both gateways read the winner', async () => {
    const callSid = `CA${'a'.repeat(32)}`;
    const taken = await Promise.all([
      gatewayA.take(callSid, streaming('1', 'bridge-a')),
      gatewayB.take(callSid, streaming('2', 'bridge-b')),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    const winner = taken[0] ? 'bridge-a' : 'bridge-b';
    expect(await gatewayA.read(callSid)).toMatchObject({ state: 'streaming', bridgeId: winner });
    expect(await gatewayB.read(callSid)).toMatchObject({ state: 'streaming', bridgeId: winner });
  });

  it('closes the slot at the end, on any gateway, so no stream takes it afterwards', async () => {
    const started = `CA${'b'.repeat(32)}`;
    expect(await gatewayA.take(started, streaming('3', 'bridge-a'))).toBe(true);
    await gatewayB.close(started);
    await gatewayB.close(started);
    expect(await gatewayA.read(started)).toEqual({ state: 'ended' });

    const neverStreamed = `CA${'c'.repeat(32)}`;
    expect(await gatewayA.read(neverStreamed)).toBeUndefined();
    await gatewayA.close(neverStreamed);
    expect(await gatewayB.take(neverStreamed, streaming('4', 'bridge-b'))).toBe(false);
    expect(await gatewayB.read(neverStreamed)).toEqual({ state: 'ended' });
  });
});
