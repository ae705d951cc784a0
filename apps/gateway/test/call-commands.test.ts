import type { CallControlCommand } from '@voice/shared/contracts';
import { calls, migrationsFolder } from '@voice/shared/db';
import { requestCallControl, transferOutcomes } from '@voice/shared/nats';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { TEST_ACCOUNT_SID, TEST_PUBLIC_BASE_URL } from './support/config.js';
import { useGatewayWithBridge } from './support/gateway-with-bridge.js';

const HUMAN = '+15550102001';
const TIMEOUT_MS = 15_000;

describe('call-control commands on NATS, carried out over the Twilio REST API (real NATS and Postgres)', () => {
  const infra = useTestInfra({ migrationsFolder });
  const h = useGatewayWithBridge(infra);
  const command = (callSid: string, body: CallControlCommand) =>
    requestCallControl(h.bridgeNc, callSid, body, TIMEOUT_MS);
  const callRow = async (callSid: string) =>
    (await h.gateway.database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];

  it('hangs up a live call on `hang_up`, records the reason and answers ok', async () => {
    const { call, claim } = await h.connectedCall();
    expect(await command(call.callSid, { type: 'hang_up', reason: 'agent_ended' })).toEqual({ ok: true });

    const update = await h.gateway.rest.waitForUpdate((u) => u.callSid === call.callSid);
    expect(update).toMatchObject({ status: 'completed', accountSid: TEST_ACCOUNT_SID });
    await expect(call.ended).resolves.toMatchObject({ reason: 'rest_completed' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'call_ended' });
    await h.gateway.recorded();
    await expect.poll(async () => (await callRow(call.callSid))?.endReason).toBe('agent_ended');
  });

  it('moves the call off the stream on `transfer`, with the outcome callbacks pointing back at the gateway', async () => {
    const { call, claim } = await h.connectedCall();
    const ref = `${call.callSid}:call_1:1`;
    const reply = await command(call.callSid, {
      type: 'transfer',
      ref,
      to: { phone: HUMAN },
      say: 'Connecting you to Alex.',
      whisper: 'Transfer from the AI receptionist.',
      timeoutSeconds: 20,
    });
    expect(reply).toEqual({ ok: true });

    const update = await h.gateway.rest.waitForUpdate((u) => u.callSid === call.callSid);
    const query = new URLSearchParams({ ref }).toString().replaceAll('&', '&amp;');
    expect(update.twiml).toContain(
      `<Say>Connecting you to Alex.</Say><Dial action="${TEST_PUBLIC_BASE_URL}/twilio/dial-status?${query}" method="POST" timeout="20" answerOnBridge="true">` +
        `<Number url="${TEST_PUBLIC_BASE_URL}/twilio/whisper?${query}" method="POST">${HUMAN}</Number></Dial>`,
    );
    await call.waitFor(() => call.transferred, { description: 'the transfer' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
    await expect.poll(() => h.gateway.app.liveCalls.get(call.callSid)).toBeUndefined();
  });

  it('waits out a 429 inside the REST client and moves the call once', async () => {
    const { call } = await h.connectedCall();
    h.gateway.rest.rateLimitNext(1, { retryAfterSeconds: 1 });
    const reply = await command(call.callSid, {
      type: 'enqueue',
      ref: 'e:0',
      queue: 'front-desk',
      say: 'Hold.',
    });
    expect(reply).toEqual({ ok: true });
    expect(h.gateway.rest.rejected.filter((r) => r.callSid === call.callSid).map((r) => r.code)).toEqual([
      20429,
    ]);
    expect(h.gateway.rest.updatesFor(call.callSid)).toHaveLength(1);
    expect(h.gateway.rest.updatesFor(call.callSid)[0]?.twiml).toContain(
      `<Enqueue waitUrl="${TEST_PUBLIC_BASE_URL}/twilio/hold?ref=e%3A0" waitUrlMethod="POST">front-desk</Enqueue>`,
    );
  });

  it('answers a call that ended as `call_gone` with Twilio’s code, and an outage as retryable', async () => {
    const { call } = await h.connectedCall();
    h.gateway.rest.failNext(1, 503);
    expect(await command(call.callSid, { type: 'say_and_hang_up', text: 'Goodbye.' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('503'), retryable: true },
    });
    h.gateway.rest.endCall(call.callSid);
    expect(await command(call.callSid, { type: 'say_and_hang_up', text: 'Goodbye.' })).toEqual({
      ok: false,
      error: { code: 'call_gone', message: 'twilio rejected the call update (21220)', retryable: false },
    });
    expect(h.gateway.rest.updatesFor(call.callSid)).toEqual([]);
  });

  it('refuses a malformed command as `invalid` without touching the call', async () => {
    const { call } = await h.connectedCall();
    const raw = await h.bridgeNc.request(
      `calls.control.${call.callSid}`,
      JSON.stringify({ type: 'redirect', twiml: '<Response><Hangup/></Response>' }),
      { timeout: TIMEOUT_MS },
    );
    expect(raw.json()).toMatchObject({ ok: false, error: { code: 'invalid', retryable: false } });
    expect(h.gateway.rest.updatesFor(call.callSid)).toEqual([]);
  });

  it('reports a question nobody answers as unavailable, never as a throw', async () => {
    expect(await transferOutcomes.held(h.bridgeNc, { ref: 'nobody:1' }, 1_000)).toMatchObject({
      ok: false,
      error: { code: 'unavailable', retryable: true },
    });
  });
});
