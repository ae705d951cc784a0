import { calls, migrationsFolder } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { connectNats, type NatsConnection } from '@voice/shared/nats';
import { FRAME_BYTES, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_MESSAGES } from '../src/twiml/answer.js';
import { readCallEvents } from './support/call-events.js';
import { CALLER_NUMBER } from './support/config.js';
import { FakeBridge, type FakeClaim } from './support/fake-bridge.js';
import { counterValue, type RealGateway, startRealGateway } from './support/real-gateway.js';

const logger = createLogger({ service: 'bridge-move-it', level: 'silent' });

describe('moving a live call to another bridge, on real NATS and Postgres', () => {
  const infra = useTestInfra({ migrationsFolder });
  let gateway: RealGateway;
  const connections: NatsConnection[] = [];
  const bridges: FakeBridge[] = [];
  const placed: SimulatedCall[] = [];

  beforeAll(async () => {
    gateway = await startRealGateway(infra, {}, { bridgeSilence: { suspectAfterMs: 200, lostAfterMs: 600 } });
  });
  afterEach(async () => {
    await Promise.all(placed.splice(0).map((call) => call.hangup()));
    for (const bridge of bridges.splice(0)) bridge.stop();
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all(connections.map((nc) => nc.drain()));
  });

  /** A fake bridge on its own connection, as a separate process would have. */
  async function startBridge(bridgeId: string, options: { heartbeats?: boolean } = {}): Promise<FakeBridge> {
    const nc = await connectNats({ url: infra.natsUrl, name: bridgeId, logger });
    connections.push(nc);
    const bridge = await new FakeBridge(nc, { bridgeId, ...options }).start();
    bridges.push(bridge);
    return bridge;
  }

  async function callOn(bridge: FakeBridge): Promise<{ call: SimulatedCall; claim: FakeClaim }> {
    const call = await gateway.call();
    placed.push(call);
    const claim = await bridge.claimOf(call.callSid);
    await claim.waitForControl('start');
    return { call, claim };
  }

  // The row is the recorder's, from the gateway's events: read once it has applied them.
  const callRow = async (callSid: string) => {
    await gateway.recorded();
    return (await gateway.database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];
  };

  it('claims another bridge with resume when the one holding the call is gone, and relays to it', async () => {
    const first = await startBridge('bridge-a');
    const { call, claim } = await callOn(first);
    const second = await startBridge('bridge-b');
    // The first bridge's subscriptions vanish, as a killed process's do.
    first.stop();

    const moved = await second.claimOf(call.callSid);
    expect(moved.request).toMatchObject({
      callSid: call.callSid,
      streamSid: call.stream?.streamSid,
      from: CALLER_NUMBER,
      resume: { reason: 'bridge_lost', previousClaimId: claim.request.claimId },
    });
    expect(moved.request.claimId).not.toBe(claim.request.claimId);
    expect(await moved.waitForControl('start')).toEqual({ type: 'start', streamSid: call.stream?.streamSid });

    await moved.waitFor(() => moved.audio.length > 5, 'caller audio at the new bridge');
    moved.sendAudio(Buffer.alloc(FRAME_BYTES * 5, 0x33).toString('base64'));
    await call.waitFor(() => call.heardAudio().length >= FRAME_BYTES * 5, {
      description: 'the new bridge heard',
    });
    expect(call.isEnded).toBe(false);

    const events = await readCallEvents(gateway.nc, call.callSid);
    expect(events.filter((e) => e.type === 'call.started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'stream.started')).toEqual([
      expect.objectContaining({ resumed: false, bridgeId: 'bridge-a' }),
      expect.objectContaining({ resumed: true, bridgeId: 'bridge-b', claimId: moved.request.claimId }),
    ]);
    expect(await counterValue(gateway.metrics.bridgeMoves, { reason: 'bridge_lost', outcome: 'moved' })).toBe(
      1,
    );
  });

  it('moves the call when its bridge hands it back to shut down; only the new claim’s mark echoes reach it', async () => {
    const first = await startBridge('bridge-c');
    const { call, claim } = await callOn(first);
    claim.sendAudio(Buffer.alloc(FRAME_BYTES * 50, 0x44).toString('base64'));
    claim.sendControl({ type: 'mark', name: 'old-1' });
    const second = await startBridge('bridge-d');
    // As a draining bridge does: it hands the call back and is out of the claim queue group
    // (its unsubscribe reaches NATS with the release, before the gateway can claim again).
    claim.sendControl({ type: 'release', reason: 'draining' });
    first.stop();

    const moved = await second.claimOf(call.callSid);
    expect(moved.request.resume).toEqual({
      reason: 'bridge_draining',
      previousClaimId: claim.request.claimId,
    });
    await moved.waitForControl('start');
    moved.sendAudio(Buffer.alloc(FRAME_BYTES, 0x55).toString('base64'));
    moved.sendControl({ type: 'mark', name: 'new-1' });
    await moved.waitFor(() => moved.controls.some((c) => c.type === 'mark'), 'the echo of new-1');
    expect(moved.controls.filter((c) => c.type === 'mark')).toEqual([{ type: 'mark', name: 'new-1' }]);
  });

  it('counts agent audio as a sign of life: a talking bridge that never heartbeats keeps the call until it goes silent', async () => {
    const first = await startBridge('bridge-g', { heartbeats: false });
    const { call, claim } = await callOn(first);
    // The move must go to the second bridge: the first keeps its call but takes no new claim.
    await first.stopClaiming();
    const second = await startBridge('bridge-h');
    // Twice the loss threshold (600 ms) of audio every 50 ms, without one heartbeat.
    for (let i = 0; i < 24; i++) {
      claim.sendAudio(Buffer.alloc(FRAME_BYTES * 5, 0x66).toString('base64'));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(second.claims.has(call.callSid)).toBe(false);
    // Silent while still subscribed (a hung process): lost after the threshold, and moved.
    const moved = await second.claimOf(call.callSid);
    expect(moved.request.resume).toEqual({ reason: 'bridge_lost', previousClaimId: claim.request.claimId });
    first.stop();
  });

  it('ends the call with the apology, and the reason on record, when the bridge’s model failed', async () => {
    const bridge = await startBridge('bridge-e');
    const { call, claim } = await callOn(bridge);
    claim.sendControl({ type: 'release', reason: 'session_failed' });
    await expect(call.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: [CALLER_MESSAGES.bridgeFailed],
    });
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('session_failed');
  });

  it('ends the call with the apology when no other bridge takes it', async () => {
    const bridge = await startBridge('bridge-f');
    const { call } = await callOn(bridge);
    bridge.stop();
    await expect(call.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: [CALLER_MESSAGES.bridgeFailed],
    });
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('bridge_failed');
  });
});
