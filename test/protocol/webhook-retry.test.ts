/**
 * Issue 12, case 8: a retried webhook never claims twice, whichever gateway it reaches.
 *
 * Twilio retries a voice webhook whose answer it did not get with the same body, signature and
 * `I-Twilio-Idempotency-Token`, and behind a load balancer the retry may reach another gateway
 * instance; Twilio then uses the retry's answer. Here gateway A answers the webhook but the
 * answer is lost on the way back, and the retry reaches gateway B.
 *
 * Before (c719109): idempotency was per instance, so gateway B claimed the call again: a second
 * bridge claim and a second model session. The caller heard the greeting and the answer all the
 * same (from the second session), while the first session sat open and unheard until the bridge
 * gave up waiting for its stream (`CLAIM_START_TIMEOUT_MS`, 30 s): two model sessions and two
 * bridge slots for one call. After: B answers with A's claim (the same TwiML), one claim, one
 * model session.
 */
import { type CallClaimRequest, callClaimRequestSchema, decodeJson, subjects } from '@voice/shared/contracts';
import { calls, migrationsFolder } from '@voice/shared/db';
import type { NatsConnection } from '@voice/shared/nats';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import type { RunningApp } from '@voice/testkit/system';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledRecord } from '../e2e/support/call-record.js';
import { agentTurn, exchange } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { metricValue } from '../faults/support/metrics.js';

const ANSWER = 'Yes, we are open until six today.';

const script: FakeRealtimeScript = {
  callerTranscripts: () => 'Are you open today?',
  rules: [{ when: { callerSaid: 'open today' }, reply: { say: ANSWER } }],
};

/** Every claim request on the bus: a plain subscription sees what the queue group shares out. */
function recordClaims(nc: NatsConnection): CallClaimRequest[] {
  const requests: CallClaimRequest[] = [];
  nc.subscribe(subjects.callClaim, {
    callback: (_error, msg) => {
      const request = decodeJson(callClaimRequestSchema, msg.data, 'claim');
      if (request.ok) requests.push(request.value);
    },
  });
  return requests;
}

describe('protocol case 8: a webhook retried to another gateway', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;
  let gatewayB: RunningApp;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { script });
    // A second gateway behind the same public URL, on the same NATS and database.
    gatewayB = await faults.system.startInstance('gateway');
  });
  afterAll(async () => {
    await faults?.stop();
  });

  it('connects the retry to the first claim: one bridge claim, one model session, one call', async () => {
    const claims = recordClaims(faults.nc);
    await faults.nc.flush();
    const gatewayA = faults.system.app('gateway', 0);
    const call = await faults.call({ webhookRetry: { after: 'lost', to: gatewayB.url } });

    // Twilio's view: A's answer never arrived, B's did, and the call runs on B's TwiML.
    expect(call.webhookAttempts.map((attempt) => [attempt.gatewayUrl, attempt.failed])).toEqual([
      [gatewayA.url, 'lost'],
      [gatewayB.url, undefined],
    ]);
    // The caller hears the greeting, then an answer to what they said.
    const greeting = await agentTurn(call, 0);
    expect(greeting.lastAt).toBeGreaterThan(greeting.firstAt);
    const answered = await exchange(call);
    expect(answered.doneAt).toBeGreaterThan(answered.answeredAt);
    await call.hangup();

    // One claim, one model session: the retry did not pay for the call twice.
    expect(faults.model.sessions).toHaveLength(1);
    expect(claims.filter((claim) => claim.callSid === call.callSid)).toHaveLength(1);
    const bridge = faults.system.app('media-bridge');
    expect(await metricValue(bridge.url, 'media_bridge_claims_total', { outcome: 'accepted' })).toBe(1);
    // Gateway B repeated A's answer: the same claim, the same stream token, the same TwiML.
    const [first, retry] = call.webhookAttempts;
    expect(retry?.idempotencyToken).toBe(first?.idempotencyToken);
    expect(retry?.result?.body).toBe(first?.result?.body);
    expect(await metricValue(gatewayB.url, 'gateway_webhook_dedup_total', { how: 'followed' })).toBe(1);

    const record = await settledRecord(faults.system.recorderUrl, call.callSid, (r) =>
      r.transcript.some((turn) => turn.role === 'agent' && turn.text === ANSWER),
    );
    expect(record.call).toMatchObject({ status: 'ended', bridgeId: 'media-bridge-1' });
    expect(record.timeline.filter((event) => event.type === 'call.started')).toHaveLength(1);
    const rows = await faults.database.db.select().from(calls).where(eq(calls.callSid, call.callSid));
    expect(rows).toHaveLength(1);
  });
});
