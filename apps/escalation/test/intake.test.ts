import { subjects } from '@voice/shared/contracts';
import { escalationAttempts, escalations } from '@voice/shared/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { RequestHandler } from '../src/intake/handle-request.js';
import {
  createQueueFixture,
  escalationRequest,
  newCallSid,
  storedEscalation,
  storedHuman,
} from './support/fixtures.js';
import { counterValue } from './support/harness.js';
import { useEscalationSuite } from './support/suite.js';
import { waitUntil } from './support/wait.js';

describe('escalation intake (real NATS and Postgres, a fake ingress)', () => {
  /** Escalations whose first handling "crashes" after its side effects, before the ack. */
  const crashOnce = new Set<string>();
  const crashAfterWork =
    (real: RequestHandler): RequestHandler =>
    async (request, delivery) => {
      const disposition = await real(request, delivery);
      if (!crashOnce.delete(request.escalationId)) return disposition;
      return { kind: 'nak', delayMs: 50, reason: 'unexpected' };
    };
  const { h, ingress } = useEscalationSuite({ handler: crashAfterWork });
  const row = (id: string) => storedEscalation(h.db, id);

  it('persists a request, reserves a human and moves the call with a transfer that whispers and dials them', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Alex Romero' }, { name: 'Sam Okafor' }],
    });
    const request = escalationRequest(fixture.agentId, { priority: 'high' });
    await h.publish(request);

    const dialing = await h.statuses.waitFor(request.escalationId, 'dialing');
    expect(dialing).toMatchObject({
      callSid: request.callSid,
      humanAgentId: fixture.humans[0]?.id,
      humanName: 'Alex Romero',
    });
    expect(h.statuses.statusesOf(request.escalationId)).toEqual(['routing', 'dialing']);

    const stored = await row(request.escalationId);
    expect(stored).toMatchObject({
      callSid: request.callSid,
      agentId: fixture.agentId,
      caller: request.caller,
      queue: fixture.queue,
      reason: request.reason,
      summary: request.summary,
      priority: 'high',
      transcript: request.transcript,
      status: 'dialing',
      humanAgentId: fixture.humans[0]?.id,
      attempts: 1,
    });

    const [command, ...more] = ingress.commandsFor(request.callSid);
    expect(more).toEqual([]);
    expect(command).toEqual({
      type: 'transfer',
      ref: `${request.escalationId}:1`,
      to: { phone: fixture.humans[0]?.phone },
      say: "I'm connecting you to Alex now. Please hold for a moment.",
      whisper: `Transfer from the AI receptionist. high priority. Reason: ${request.reason}. Summary: ${request.summary} Connecting you now.`,
      timeoutSeconds: 20,
    });

    const alex = await storedHuman(h.db, fixture.humans[0]?.id);
    expect(alex?.currentEscalationId).toBe(request.escalationId);
    const attempts = await h.db
      .select()
      .from(escalationAttempts)
      .where(eq(escalationAttempts.escalationId, request.escalationId));
    expect(attempts.map((a) => [a.humanAgentId, a.status])).toEqual([[fixture.humans[0]?.id, 'dialing']]);
  });

  it('stores a request published twice once and moves its call once', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Dana Kim' }] });
    const request = escalationRequest(fixture.agentId);
    expect(await h.publish(request)).toEqual({ duplicate: false });
    expect(await h.publish(request)).toEqual({ duplicate: true });
    // A publisher that lost the message id: the row's primary key still de-duplicates.
    await h.publish(request, `${request.escalationId}-again`);

    await h.statuses.waitFor(request.escalationId, 'dialing');
    await h.intakeSettled();
    expect(
      await h.db.select().from(escalations).where(eq(escalations.callSid, request.callSid)),
    ).toHaveLength(1);
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);
  });

  it('does not transfer again when a request is redelivered after its call was moved but before the ack', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Lee Park' }] });
    const request = escalationRequest(fixture.agentId);
    crashOnce.add(request.escalationId);
    const before = await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'unexpected' });
    await h.publish(request);

    await h.statuses.waitFor(request.escalationId, 'dialing');
    await waitUntil('the crashed delivery to be redelivered and acknowledged', async () => {
      const naks = await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'unexpected' });
      return crashOnce.size === 0 && naks === before + 1;
    });
    await h.intakeSettled();
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);
    expect((await row(request.escalationId))?.attempts).toBe(1);
  });

  it('retries a transfer the ingress refused as retryable (a Twilio 5xx) and moves the call once it recovers', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Kim Ito' }] });
    const request = escalationRequest(fixture.agentId);
    const before = await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'transient' });
    ingress.failNext(1);
    await h.publish(request);

    await h.statuses.waitFor(request.escalationId, 'dialing');
    expect(await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'transient' })).toBe(
      before + 1,
    );
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);
    expect(ingress.transfersFor(request.callSid)[0]?.to).toEqual({ phone: fixture.humans[0]?.phone });
    expect(await row(request.escalationId)).toMatchObject({ status: 'dialing', attempts: 1 });
  });

  it('fails for good when the ingress says the call already ended, frees the human and tells the agent', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Ola Berg' }] });
    const request = escalationRequest(fixture.agentId);
    ingress.endCall(request.callSid);
    await h.publish(request);

    const failed = await h.statuses.waitFor(request.escalationId, 'failed');
    expect(failed.message).toMatch(/couldn't reach a person/);
    expect(await row(request.escalationId)).toMatchObject({
      status: 'failed',
      failureReason: 'twilio rejected the call update (21220)',
    });
    const human = await storedHuman(h.db, fixture.humans[0]?.id);
    expect(human?.currentEscalationId).toBeNull();
    expect(ingress.commandsFor(request.callSid)).toHaveLength(0);
  });

  it('records a request for an unknown agent as failed and tells the agent', async () => {
    const request = escalationRequest('no-such-agent');
    await h.publish(request);
    const failed = await h.statuses.waitFor(request.escalationId, 'failed');
    expect(failed.message).toBeTruthy();
    expect(await row(request.escalationId)).toMatchObject({
      status: 'failed',
      failureReason: 'unknown agent profile no-such-agent',
    });
  });

  it('terminates a malformed request without storing anything', async () => {
    const before = await counterValue(h.registry, 'escalation_intake_deliveries_total', { outcome: 'term' });
    const callSid = newCallSid();
    await h.js.publish(
      subjects.escalationRequested,
      JSON.stringify({ escalationId: `${callSid}:x`, callSid }),
      {
        msgID: `${callSid}:x`,
      },
    );
    await waitUntil('the malformed request to be terminated', async () => {
      return (
        (await counterValue(h.registry, 'escalation_intake_deliveries_total', { outcome: 'term' })) ===
        before + 1
      );
    });
    // Terminated means settled: nothing is left pending for redelivery.
    await h.intakeSettled();
    expect(await h.db.select().from(escalations).where(eq(escalations.callSid, callSid))).toHaveLength(0);
  });

  it('does not move a call twice when the model escalates it twice in parallel', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Ana Diaz' }, { name: 'Ben Cole' }],
    });
    const callSid = newCallSid();
    const first = escalationRequest(fixture.agentId, { callSid, toolCallId: 'call_first' });
    const second = escalationRequest(fixture.agentId, { callSid, toolCallId: 'call_second' });
    await Promise.all([h.publish(first), h.publish(second)]);
    await h.intakeSettled();

    const rows = await Promise.all([first, second].map((r) => row(r.escalationId)));
    expect(rows.map((r) => r?.status).sort()).toEqual(['dialing', 'failed']);
    expect(rows.find((r) => r?.status === 'failed')?.failureReason).toMatch(/already being handed off/);
    expect(ingress.commandsFor(callSid)).toHaveLength(1);
  });
});
