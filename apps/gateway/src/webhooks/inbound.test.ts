import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_NUMBER,
  CALLER_NUMBER,
  TEST_ACCOUNT_SID,
  TEST_TOKEN_SECRET,
} from '../../test/support/config.js';
import {
  AGENT_ID,
  callSid,
  signedPost,
  type UnitGateway,
  unitGateway,
  voiceParams,
} from '../../test/support/unit-gateway.js';
import { verifyStreamToken } from '../stream/stream-token.js';
import { CALLER_MESSAGES } from '../twiml/answer.js';

const INBOUND = '/voice/inbound';

function streamToken(twiml: string): string {
  const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(twiml)?.[1];
  if (!token) throw new Error(`no token parameter in ${twiml}`);
  return token;
}

async function outcomeCount(gw: UnitGateway, outcome: string): Promise<number> {
  const metric = await gw.metrics.webhooks.get();
  return metric.values.find((v) => v.labels.route === 'inbound' && v.labels.outcome === outcome)?.value ?? 0;
}

describe('POST /voice/inbound', () => {
  let gw: UnitGateway;
  beforeEach(async () => {
    gw = await unitGateway();
  });
  afterEach(() => gw.close());

  it('answers a signed webhook with connect TwiML carrying a token for the claim', async () => {
    const sid = callSid();
    const response = await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid)));

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.body).toContain(
      '<Connect><Stream url="wss://gateway.test.example/voice/stream" statusCallback="https://gateway.test.example/voice/status" statusCallbackMethod="POST">',
    );
    expect(response.body).toMatch(/<\/Connect><Say>[^<]+<\/Say><Hangup\/><\/Response>$/);

    const [claim] = gw.bus.claimRequests;
    expect(claim).toMatchObject({
      callSid: sid,
      agentId: AGENT_ID,
      gatewayId: 'gateway-test',
      from: '+15550100001',
    });
    const token = verifyStreamToken(TEST_TOKEN_SECRET, streamToken(response.body), Date.now());
    expect(token).toMatchObject({
      ok: true,
      value: { callSid: sid, claimId: claim?.claimId, bridgeId: 'bridge-1' },
    });

    expect(gw.events.ofType('call.started')[0]).toMatchObject({ callSid: sid, agentId: AGENT_ID });
    expect(await gw.streams.read(sid)).toBeUndefined();
    expect(gw.events.events.map((e) => [e.type, e.eventId])).toEqual([['call.started', `${sid}:started`]]);
    expect(gw.app.liveCalls.get(sid)?.claimId).toBe(claim?.claimId);
    expect(await outcomeCount(gw, 'connected')).toBe(1);
  });

  it('refuses forged, missing and Host-based signatures with 403, and does nothing else', async () => {
    const params = voiceParams(callSid());
    const forged = await gw.app.http.inject(signedPost(INBOUND, params, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    const { headers, ...unsigned } = signedPost(INBOUND, params);
    const missing = await gw.app.http.inject({
      ...unsigned,
      headers: { 'content-type': headers['content-type'] },
    });
    const tampered = await gw.app.http.inject({
      ...signedPost(INBOUND, params),
      payload: new URLSearchParams({ ...params, To: '+15559999999' }).toString(),
    });

    expect([forged.statusCode, missing.statusCode, tampered.statusCode]).toEqual([403, 403, 403]);
    expect(await gw.streams.read(params.CallSid ?? '')).toBeUndefined();
    expect(gw.bus.claimRequests).toHaveLength(0);
    expect(gw.events.events).toHaveLength(0);
    expect(await outcomeCount(gw, 'forbidden')).toBe(3);
  });

  it('recognises Twilio retrying the same CallSid: one call, one claim, the same answer to every attempt', async () => {
    const sid = callSid();
    const [first, second] = await Promise.all([
      gw.app.http.inject(signedPost(INBOUND, voiceParams(sid))),
      gw.app.http.inject(signedPost(INBOUND, voiceParams(sid))),
    ]);
    const third = await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid)));

    expect(gw.bus.claimRequests).toHaveLength(1);
    expect(gw.events.ofType('call.started')).toHaveLength(1);
    const claimId = gw.bus.claimRequests[0]?.claimId;
    for (const response of [first, second, third]) {
      expect(response.statusCode).toBe(200);
      const token = verifyStreamToken(TEST_TOKEN_SECRET, streamToken(response.body), Date.now());
      expect(token.ok && token.value.claimId).toBe(claimId);
    }
    expect(second.body).toBe(first.body);
    expect(third.body).toBe(first.body);
    expect(gw.app.liveCalls.size).toBe(1);
    expect(await outcomeCount(gw, 'retry_connected')).toBe(2);
    const dedup = await gw.metrics.webhookDedup.get();
    expect(dedup.values).toEqual([expect.objectContaining({ labels: { how: 'followed' }, value: 2 })]);
    const token = verifyStreamToken(TEST_TOKEN_SECRET, streamToken(first.body), Date.now());
    expect(token.ok && Object.keys(token.value).sort()).toEqual([
      'bridgeId',
      'callSid',
      'claimId',
      'expiresAt',
    ]);
  });

  it('answers a webhook replayed after its call ended with a refusal, never the old claim', async () => {
    const sid = callSid();
    await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid)));
    const claimId = gw.bus.claimRequests[0]?.claimId ?? '';
    gw.app.liveCalls.remove(sid, claimId);
    // Twilio's status callback closes the call's stream slot, whichever gateway it reaches.
    await gw.streams.close(sid);

    const replay = await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid)));
    expect(replay.body).toContain(`<Say>${CALLER_MESSAGES.busy}</Say><Hangup/>`);
    expect(replay.body).not.toContain('<Connect>');
    expect(gw.bus.claimRequests).toHaveLength(1);
    expect(gw.app.liveCalls.size).toBe(0);
    expect(await outcomeCount(gw, 'retry_refused')).toBe(1);
  });

  it('tells the caller politely when no agent answers the number, and records why the call ended', async () => {
    const sid = callSid();
    const response = await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid, { To: '+15557770000' })));
    const retry = await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid, { To: '+15557770000' })));

    for (const answer of [response, retry]) {
      expect(answer.body).toContain(`<Say>${CALLER_MESSAGES.unknownNumber}</Say><Hangup/>`);
      expect(answer.body).not.toContain('<Connect>');
    }
    expect(gw.bus.claimRequests).toHaveLength(0);
    expect(await gw.streams.read(sid)).toEqual({ state: 'ended' });
    expect(gw.events.ofType('call.ended')).toMatchObject([{ reason: 'unknown_number' }]);
    expect(gw.events.ofType('call.started')[0]?.agentId).toBeNull();
  });

  it('asks another bridge after a decline or a timeout, with a new claim id each time', async () => {
    gw.bus.answers = [
      { kind: 'declined', bridgeId: 'bridge-full', reason: 'at_capacity' },
      { kind: 'timeout' },
      { kind: 'accepted', bridgeId: 'bridge-3' },
    ];
    const sid = callSid();
    const response = await gw.app.http.inject(signedPost(INBOUND, voiceParams(sid)));

    expect(response.body).toContain('<Connect>');
    const claimIds = gw.bus.claimRequests.map((request) => request.claimId);
    expect(new Set(claimIds).size).toBe(3);
    expect(gw.bus.looseControls).toEqual([
      {
        subjects: expect.objectContaining({ inControl: `media.${sid}.${claimIds[1]}.in.ctl` }),
        control: { type: 'stop', reason: 'claim_superseded' },
      },
    ]);
    expect(gw.app.liveCalls.get(sid)).toMatchObject({ claimId: claimIds[2], bridgeId: 'bridge-3' });
    const latency = await gw.metrics.claimLatency.get();
    const counts = latency.values.filter((v) => v.metricName === 'gateway_claim_latency_ms_count');
    expect(Object.fromEntries(counts.map((v) => [v.labels.outcome, v.value]))).toEqual({
      declined: 1,
      timeout: 1,
      accepted: 1,
    });
  });

  it('answers busy when every bridge declines, or none is listening', async () => {
    gw.bus.answers = [
      { kind: 'declined', bridgeId: 'a', reason: 'at_capacity' },
      { kind: 'declined', bridgeId: 'b', reason: 'draining' },
      { kind: 'invalid_reply', detail: 'garbage' },
    ];
    const declined = callSid();
    const allDeclined = await gw.app.http.inject(signedPost(INBOUND, voiceParams(declined)));
    gw.bus.answers = [{ kind: 'no_responders' }];
    const unheard = callSid();
    const noBridge = await gw.app.http.inject(signedPost(INBOUND, voiceParams(unheard)));

    for (const answer of [allDeclined, noBridge]) {
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toContain(`<Say>${CALLER_MESSAGES.busy}</Say><Hangup/>`);
    }
    expect(gw.bus.claimRequests).toHaveLength(4);
    expect(gw.events.ofType('call.ended').map((e) => [e.callSid, e.reason])).toEqual([
      [declined, 'over_capacity'],
      [unheard, 'over_capacity'],
    ]);
    expect(gw.app.liveCalls.size).toBe(0);
    expect(await outcomeCount(gw, 'no_bridge')).toBe(2);
  });

  it('answers busy past MAX_LIVE_CALLS and while draining, without asking any bridge', async () => {
    await gw.close();
    gw = await unitGateway({ MAX_LIVE_CALLS: '1' });
    await gw.app.http.inject(signedPost(INBOUND, voiceParams(callSid())));
    const overflow = callSid();
    const busy = await gw.app.http.inject(signedPost(INBOUND, voiceParams(overflow)));
    expect(busy.body).toContain(CALLER_MESSAGES.busy);
    expect(gw.events.ofType('call.ended')).toMatchObject([{ callSid: overflow, reason: 'over_capacity' }]);
    expect(await gw.streams.read(overflow)).toEqual({ state: 'ended' });

    gw.app.liveCalls.remove(gw.bus.claimRequests[0]?.callSid ?? '', gw.bus.claimRequests[0]?.claimId ?? '');
    gw.draining.value = true;
    const duringDrain = await gw.app.http.inject(signedPost(INBOUND, voiceParams(callSid())));
    expect(duringDrain.body).toContain(CALLER_MESSAGES.busy);
    expect(gw.bus.claimRequests).toHaveLength(1);
    expect(await outcomeCount(gw, 'busy')).toBe(1);
    expect(await outcomeCount(gw, 'draining')).toBe(1);
  });

  it('never admits more than MAX_LIVE_CALLS, even when their webhooks arrive at once', async () => {
    await gw.close();
    gw = await unitGateway({ MAX_LIVE_CALLS: '2' });
    gw.bus.claimDelayMs = 50;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => gw.app.http.inject(signedPost(INBOUND, voiceParams(callSid())))),
    );
    expect(answers.filter((answer) => answer.body.includes('<Connect>'))).toHaveLength(2);
    expect(answers.filter((answer) => answer.body.includes(CALLER_MESSAGES.busy))).toHaveLength(4);
    expect(gw.bus.claimRequests).toHaveLength(2);
    expect(gw.app.liveCalls.size).toBe(2);
  });

  it('still answers the caller politely when Postgres is down', async () => {
    gw.agents.failing = true;
    const response = await gw.app.http.inject(signedPost(INBOUND, voiceParams(callSid())));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`<Say>${CALLER_MESSAGES.unavailable}</Say><Hangup/>`);
    expect(await outcomeCount(gw, 'error')).toBe(1);
  });

  it('rejects a signed request whose parameters are not a voice webhook', async () => {
    const response = await gw.app.http.inject(signedPost(INBOUND, { CallSid: 'not-a-sid', From: 'x' }));
    expect(response.statusCode).toBe(400);
    expect(gw.events.events).toHaveLength(0);
  });

  it('lets go of a claim whose stream never arrives once its token has expired', async () => {
    await gw.close();
    gw = await unitGateway({ STREAM_TOKEN_TTL_MS: '1000' });
    const unused = callSid();
    const elsewhere = callSid();
    await gw.app.http.inject(signedPost(INBOUND, voiceParams(unused)));
    await gw.app.http.inject(signedPost(INBOUND, voiceParams(elsewhere)));
    // The stream of the second call went to another gateway instance.
    await gw.streams.take(elsewhere, {
      state: 'streaming',
      streamSid: `MZ${'3'.repeat(32)}`,
      claimId: gw.bus.claimRequests[1]?.claimId ?? '',
      bridgeId: 'b',
      accountSid: TEST_ACCOUNT_SID,
      from: CALLER_NUMBER,
      to: AGENT_NUMBER,
      agentId: AGENT_ID,
    });
    expect(gw.app.liveCalls.size).toBe(2);

    await expect.poll(() => gw.bus.looseControls.length, { timeout: 10_000 }).toBe(1);
    expect(gw.bus.looseControls[0]).toEqual({
      subjects: expect.objectContaining({ inControl: expect.stringContaining(unused) }),
      control: { type: 'stop', reason: 'stream_closed' },
    });
    await expect.poll(() => gw.app.liveCalls.size).toBe(0);
    expect(gw.bus.looseControls).toHaveLength(1);
  });
});
