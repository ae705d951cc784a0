import { calls, migrationsFolder } from '@voice/shared/db';
import { createCallControl, createTwilioClient } from '@voice/shared/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { CALLER_MESSAGES } from '../src/twiml/answer.js';
import { readCallEvents } from './support/call-events.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './support/config.js';
import { useGatewayWithBridge } from './support/gateway-with-bridge.js';

const HUMAN = '+15550102001';

describe('ending and moving calls on real NATS and Postgres', () => {
  const infra = useTestInfra({ migrationsFolder });
  const h = useGatewayWithBridge(infra);
  const connectedCall = () => h.connectedCall();

  // The row is the recorder's, from the gateway's events: read once it has applied them.
  const callRow = async (callSid: string) => {
    await h.gateway.recorded();
    return (await h.gateway.database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];
  };

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
      .poll(async () =>
        (await readCallEvents(h.gateway.nc, call.callSid)).find((e) => e.type === 'call.ended'),
      )
      .toMatchObject({ reason: 'caller_hangup', durationSeconds: 3, eventId: `${call.callSid}:ended` });
    expect(h.gateway.app.liveCalls.get(call.callSid)).toBeUndefined();
  });

  it("hangs up through the Twilio REST API when the bridge asks, and records the agent's reason", async () => {
    const { call, claim } = await connectedCall();
    await expect(claim.hangUp('agent_ended')).resolves.toEqual({ ok: true });

    const update = await h.gateway.rest.waitForUpdate((u) => u.callSid === call.callSid);
    expect(update).toMatchObject({ status: 'completed', accountSid: TEST_ACCOUNT_SID });
    await expect(call.ended).resolves.toMatchObject({ reason: 'rest_completed' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'call_ended' });
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('agent_ended');
    await expect
      .poll(async () => (await readCallEvents(h.gateway.nc, call.callSid)).map((e) => e.type))
      .toEqual(['call.started', 'stream.started', 'call.end_requested', 'stream.ended', 'call.ended']);
    const events = await readCallEvents(h.gateway.nc, call.callSid);
    expect(events.find((e) => e.type === 'call.end_requested')).toMatchObject({ reason: 'agent_ended' });
    const ended = events.at(-1);
    expect(ended).toMatchObject({ type: 'call.ended', reason: 'agent_ended' });
  });

  it('lets a transfer (CallControl.redirect with <Dial>) move the call off the stream', async () => {
    const { call, claim } = await connectedCall();
    const escalation = createCallControl(
      createTwilioClient({
        accountSid: TEST_ACCOUNT_SID,
        authToken: TEST_AUTH_TOKEN,
        apiBaseUrl: h.gateway.rest.baseUrl,
      }),
    );
    const transfer = new twilio.twiml.VoiceResponse();
    transfer.say('Connecting you to the front desk.');
    transfer.dial(HUMAN);
    await escalation.redirect(call.callSid, transfer.toString());

    const update = await h.gateway.rest.waitForUpdate((u) => u.callSid === call.callSid);
    expect(update.twiml).toContain(`<Dial>${HUMAN}</Dial>`);
    await call.waitFor(() => call.transferred, { description: 'the transfer' });
    expect(call.currentTwiml).toContain(`<Dial>${HUMAN}</Dial>`);
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
    await expect.poll(() => h.gateway.app.liveCalls.get(call.callSid)).toBeUndefined();
    const events = await readCallEvents(h.gateway.nc, call.callSid);
    expect(events.find((e) => e.type === 'stream.ended')).toMatchObject({ reason: 'twilio_stop' });
    expect(events.some((e) => e.type === 'call.ended')).toBe(false);
  });

  it('closes the stream when the bridge releases the call, so the fallback apologises and hangs up', async () => {
    const { call } = await connectedCall();
    const claim = await h.bridge.claimOf(call.callSid);
    claim.sendControl({ type: 'release', reason: 'session_failed' });
    await expect(call.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: [CALLER_MESSAGES.bridgeFailed],
    });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
  });

  it('falls back to closing the stream when the REST hang-up fails', async () => {
    const { call, claim } = await connectedCall();
    h.gateway.rest.failNext(1, 400, 20_001);
    await expect(claim.hangUp('session_failed')).resolves.toEqual({ ok: true });
    await expect(call.ended).resolves.toMatchObject({ reason: 'twiml_hangup' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'call_ended' });
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('session_failed');
  });

  it('drains: live calls get their time, then the remaining streams close with 1001', async () => {
    const { call, claim } = await connectedCall();
    await h.gateway.app.drain(200);
    await expect(call.stream?.closed).resolves.toMatchObject({ code: 1001, by: 'gateway' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
    expect(h.gateway.app.liveCalls.size).toBe(0);
  });
});
