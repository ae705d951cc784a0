import { calls, migrationsFolder } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { connectNats, type NatsConnection } from '@voice/shared/nats';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_MESSAGES } from '../src/twiml/answer.js';
import { readCallEvents } from './support/call-events.js';
import { FakeBridge } from './support/fake-bridge.js';
import { AGENT_ID, counterValue, type RealGateway, startRealGateway } from './support/real-gateway.js';

const logger = createLogger({ service: 'webhooks-it', level: 'silent' });

describe('inbound webhooks on real NATS and Postgres', () => {
  const infra = useTestInfra({ migrationsFolder });
  let gateway: RealGateway;
  let bridgeNc: NatsConnection;
  let bridge: FakeBridge | undefined;

  beforeAll(async () => {
    gateway = await startRealGateway(infra);
    bridgeNc = await connectNats({ url: infra.natsUrl, name: 'fake-bridge', logger });
  });
  afterEach(() => {
    bridge?.stop();
    bridge = undefined;
  });
  afterAll(async () => {
    await gateway?.close();
    await bridgeNc?.drain();
  });

  // The row is the recorder's, from the gateway's events: read once it has applied them.
  const callRow = async (callSid: string) => {
    await gateway.recorded();
    return (await gateway.database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];
  };

  it('records the call, claims it from the bridge pool and connects the stream; a retry changes nothing', async () => {
    bridge = await new FakeBridge(bridgeNc).start();
    const call = await gateway.call();
    const claim = await bridge.claimOf(call.callSid);
    expect(claim.request).toMatchObject({
      callSid: call.callSid,
      agentId: AGENT_ID,
      gatewayId: 'gateway-it',
    });
    expect(call.webhook.body).toContain('<Connect><Stream url="wss://gateway.test.example/voice/stream"');
    await claim.waitForControl('start');

    const retry = await call.retryWebhook();
    expect(retry.status).toBe(200);
    expect(retry.body).toContain('<Connect>');
    expect(bridge.claims.size).toBe(1);

    await gateway.recorded();
    const rows = await gateway.database.db.select().from(calls).where(eq(calls.callSid, call.callSid));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ agentId: AGENT_ID, status: 'in_progress', bridgeId: 'fake-bridge' });
    await call.hangup();
    await expect.poll(async () => (await callRow(call.callSid))?.status).toBe('ended');
    const events = await readCallEvents(gateway.nc, call.callSid);
    expect(events.map((event) => event.type)).toEqual([
      'call.started',
      'stream.started',
      'stream.ended',
      'call.ended',
    ]);
  });

  it('refuses a forged webhook with 403 and records nothing', async () => {
    bridge = await new FakeBridge(bridgeNc).start();
    const call = await gateway.call({ forge: { webhookSignature: 'bm90IFR3aWxpbydzIHNpZ25hdHVyZQ==' } });
    expect(call.webhook.status).toBe(403);
    await expect(call.ended).resolves.toMatchObject({ reason: 'webhook_failed' });
    expect(await callRow(call.callSid)).toBeUndefined();
    expect(bridge.claims.size).toBe(0);
    expect(await readCallEvents(gateway.nc, call.callSid)).toEqual([]);
    expect(await counterValue(gateway.metrics.webhooks, { route: 'inbound', outcome: 'forbidden' })).toBe(1);
  });

  it('tells the caller of an unknown number, and closes the record with the reason', async () => {
    const call = await gateway.call({ to: '+15557654321' });
    await expect(call.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: [CALLER_MESSAGES.unknownNumber],
    });
    expect(await callRow(call.callSid)).toMatchObject({
      status: 'ended',
      endReason: 'unknown_number',
      agentId: null,
    });
    const events = await readCallEvents(gateway.nc, call.callSid);
    expect(events.map((event) => [event.type, event.type === 'call.ended' ? event.reason : ''])).toEqual([
      ['call.started', ''],
      ['call.ended', 'unknown_number'],
    ]);
  });

  it('answers busy when no media-bridge answers the claim, never a silent drop', async () => {
    const call = await gateway.call();
    await expect(call.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: [CALLER_MESSAGES.busy],
    });
    expect(await callRow(call.callSid)).toMatchObject({ status: 'ended', endReason: 'over_capacity' });
    const ended = (await readCallEvents(gateway.nc, call.callSid)).find(
      (event) => event.type === 'call.ended',
    );
    expect(ended).toMatchObject({ reason: 'over_capacity', source: 'gateway' });
    expect(await counterValue(gateway.metrics.claimLatency, { outcome: 'no_responders' })).toBeGreaterThan(0);
  });

  it('answers busy once MAX_LIVE_CALLS calls are live', async () => {
    const small = await startRealGateway(infra, { MAX_LIVE_CALLS: '1' });
    bridge = await new FakeBridge(bridgeNc).start();
    try {
      const first = await small.call();
      await bridge.claimOf(first.callSid);
      const second = await small.call();
      await expect(second.ended).resolves.toMatchObject({ spoken: [CALLER_MESSAGES.busy] });
      expect(bridge.claims.has(second.callSid)).toBe(false);
      await first.hangup();
      await expect.poll(() => small.app.liveCalls.size).toBe(0);
      const third = await small.call();
      await bridge.claimOf(third.callSid);
      await third.hangup();
    } finally {
      await small.close();
    }
  });
});
