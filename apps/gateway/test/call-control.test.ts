import { calls, migrationsFolder } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { connectNats, type NatsConnection } from '@voice/shared/nats';
import { createCallControl, createTwilioClient } from '@voice/shared/twilio';
import type { SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_MESSAGES } from '../src/webhooks/twiml.js';
import { readCallEvents } from './support/call-events.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './support/config.js';
import { FakeBridge, type FakeClaim } from './support/fake-bridge.js';
import { type RealGateway, startRealGateway } from './support/real-gateway.js';

const logger = createLogger({ service: 'call-control-it', level: 'silent' });
const HUMAN = '+15550102001';

describe('ending and moving calls on real NATS and Postgres', () => {
  const infra = useTestInfra({ migrationsFolder });
  let gateway: RealGateway;
  let bridgeNc: NatsConnection;
  let bridge: FakeBridge;
  const placed: SimulatedCall[] = [];

  beforeAll(async () => {
    gateway = await startRealGateway(infra);
    bridgeNc = await connectNats({ url: infra.natsUrl, name: 'fake-bridge', logger });
    bridge = await new FakeBridge(bridgeNc).start();
  });
  afterEach(async () => {
    await Promise.all(placed.splice(0).map((call) => call.hangup()));
  });
  afterAll(async () => {
    bridge?.stop();
    await gateway?.close();
    await bridgeNc?.drain();
  });

  async function connectedCall(): Promise<{ call: SimulatedCall; claim: FakeClaim }> {
    const call = await gateway.call();
    placed.push(call);
    const claim = await bridge.claimOf(call.callSid);
    await claim.waitForControl('start');
    return { call, claim };
  }

  const callRow = async (callSid: string) =>
    (await gateway.database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];

  it("ends the call on Twilio's completed status callback: record closed, call.ended stored, bridge stopped", async () => {
    const { call, claim } = await connectedCall();
    const answer = await call.postCallStatus('completed', { CallDuration: '3' });
    expect(answer?.status).toBe(204);

    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'call_ended' });
    await expect(call.stream?.closed).resolves.toMatchObject({ code: 1000, by: 'gateway' });
    expect(await callRow(call.callSid)).toMatchObject({
      status: 'ended',
      endReason: 'caller_hangup',
      durationMs: 3_000,
    });
    await expect
      .poll(async () => (await readCallEvents(gateway.nc, call.callSid)).find((e) => e.type === 'call.ended'))
      .toMatchObject({ reason: 'caller_hangup', durationSeconds: 3, eventId: `${call.callSid}:ended` });
    expect(gateway.app.liveCalls.get(call.callSid)).toBeUndefined();
  });

  it("hangs up through the Twilio REST API when the bridge asks, and records the agent's reason", async () => {
    const { call, claim } = await connectedCall();
    claim.sendControl({ type: 'hangup', reason: 'agent_ended' });

    const update = await gateway.rest.waitForUpdate((u) => u.callSid === call.callSid);
    expect(update).toMatchObject({ status: 'completed', accountSid: TEST_ACCOUNT_SID });
    await expect(call.ended).resolves.toMatchObject({ reason: 'rest_completed' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'call_ended' });
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('agent_ended');
    await expect
      .poll(async () => (await readCallEvents(gateway.nc, call.callSid)).map((e) => e.type))
      .toEqual(['call.started', 'stream.started', 'stream.ended', 'call.ended']);
    const ended = (await readCallEvents(gateway.nc, call.callSid)).at(-1);
    expect(ended).toMatchObject({ type: 'call.ended', reason: 'agent_ended' });
  });

  it('lets a transfer (CallControl.redirect with <Dial>) move the call off the stream', async () => {
    const { call, claim } = await connectedCall();
    const escalation = createCallControl(
      createTwilioClient({
        accountSid: TEST_ACCOUNT_SID,
        authToken: TEST_AUTH_TOKEN,
        apiBaseUrl: gateway.rest.baseUrl,
      }),
    );
    const transfer = new twilio.twiml.VoiceResponse();
    transfer.say('Connecting you to the front desk.');
    transfer.dial(HUMAN);
    await escalation.redirect(call.callSid, transfer.toString());

    const update = await gateway.rest.waitForUpdate((u) => u.callSid === call.callSid);
    expect(update.twiml).toContain(`<Dial>${HUMAN}</Dial>`);
    await call.waitFor(() => call.transferred, { description: 'the transfer' });
    expect(call.currentTwiml).toContain(`<Dial>${HUMAN}</Dial>`);
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
    await expect.poll(() => gateway.app.liveCalls.get(call.callSid)).toBeUndefined();
    const events = await readCallEvents(gateway.nc, call.callSid);
    expect(events.find((e) => e.type === 'stream.ended')).toMatchObject({ reason: 'twilio_stop' });
    expect(events.some((e) => e.type === 'call.ended')).toBe(false);
  });

  it('closes the stream when the bridge releases the call, so the fallback apologises and hangs up', async () => {
    const { call } = await connectedCall();
    const claim = await bridge.claimOf(call.callSid);
    claim.sendControl({ type: 'release', reason: 'session_failed' });
    await expect(call.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: [CALLER_MESSAGES.bridgeFailed],
    });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
  });

  it('falls back to closing the stream when the REST hang-up fails', async () => {
    const { call, claim } = await connectedCall();
    gateway.rest.failNext(1, 400, 20_001);
    claim.sendControl({ type: 'hangup', reason: 'session_failed' });
    await expect(call.ended).resolves.toMatchObject({ reason: 'twiml_hangup' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'call_ended' });
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('session_failed');
  });

  it('drains: live calls get their time, then the remaining streams close with 1001', async () => {
    const { call, claim } = await connectedCall();
    await gateway.app.drain(200);
    await expect(call.stream?.closed).resolves.toMatchObject({ code: 1001, by: 'gateway' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
    expect(gateway.app.liveCalls.size).toBe(0);
  });
});
