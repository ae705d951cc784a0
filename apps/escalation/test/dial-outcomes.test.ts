import type { CallControlCommand, EscalationRequested } from '@voice/shared/contracts';
import { escalationAttempts, escalations } from '@voice/shared/db';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  createQueueFixture,
  escalationRequest,
  type QueueFixture,
  storedEscalation,
  storedHuman,
} from './support/fixtures.js';
import { useEscalationSuite } from './support/suite.js';
import { waitUntil } from './support/wait.js';

type Transfer = Extract<CallControlCommand, { type: 'transfer' }>;

describe("a transfer's outcomes, as the ingress asks about them (real NATS and Postgres)", () => {
  const { h, ingress } = useEscalationSuite();
  const human = (id: string | undefined) => storedHuman(h.db, id);
  const row = (id: string) => storedEscalation(h.db, id);

  /** Publishes a request and returns the transfer the ingress was asked to make. */
  const transferred = async (fixture: QueueFixture, overrides: Partial<EscalationRequested> = {}) => {
    const request = escalationRequest(fixture.agentId, overrides);
    await h.publish(request);
    await h.statuses.waitFor(request.escalationId, 'dialing');
    const dial = ingress.transfersFor(request.callSid)[0] as Transfer;
    return { request, dial };
  };

  it('marks the escalation connected when the human picks up, and whispers the reason and summary to them', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Alex Romero' }],
    });
    const { request, dial } = await transferred(fixture, {
      reason: 'Refund request',
      summary: 'Charged twice.',
    });

    const whisper = await h.questions.answered(dial.ref);
    expect(whisper).toEqual({
      ok: true,
      whisper:
        'Transfer from the AI receptionist. Reason: Refund request. Summary: Charged twice. Connecting you now.',
    });

    const connected = await h.statuses.waitFor(request.escalationId, 'connected');
    expect(connected).toMatchObject({ humanAgentId: fixture.humans[0]?.id, humanName: 'Alex Romero' });
    expect(await row(request.escalationId)).toMatchObject({ status: 'connected' });
  });

  it('frees the human when the conversation ends and hangs up, keeping the escalation theirs to resolve', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Sam Okafor' }],
    });
    const { request, dial } = await transferred(fixture);
    await h.questions.answered(dial.ref);
    const done = await h.questions.dialEnded(dial.ref, 'completed');
    expect(done).toEqual({ ok: true, next: { type: 'hang_up' } });
    expect((await human(fixture.humans[0]?.id))?.currentEscalationId).toBeNull();
    expect(await row(request.escalationId)).toMatchObject({
      status: 'connected',
      humanAgentId: fixture.humans[0]?.id,
    });
    const attempts = await h.db
      .select()
      .from(escalationAttempts)
      .where(eq(escalationAttempts.escalationId, request.escalationId));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'answered' });
    expect(attempts[0]?.endedAt).toBeInstanceOf(Date);
  });

  it('rings the next human when the first does not answer, and sets the first away', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Ana Diaz' }, { name: 'Ben Cole' }],
    });
    const { request, dial } = await transferred(fixture);
    const response = await h.questions.dialEnded(dial.ref, 'no_answer');
    expect(response.ok).toBe(true);

    const next = response.ok ? response.next : undefined;
    expect(next).toMatchObject({
      type: 'transfer',
      to: { phone: fixture.humans[1]?.phone },
      ref: `${request.escalationId}:2`,
      whisper: expect.stringContaining('Connecting you now.'),
      say: "I'm connecting you to Ben now. Please hold for a moment.",
    });
    const noAnswer = await h.statuses.waitFor(request.escalationId, 'no_answer');
    expect(noAnswer).toMatchObject({
      humanName: 'Ana Diaz',
      message: "Ana isn't able to pick up right now.",
    });
    const sequence = await waitUntil('the second dialing status', () => {
      const seen = h.statuses.of(request.escalationId);
      return seen.length >= 4 && seen;
    });
    expect(sequence.map((s) => s.status)).toEqual(['routing', 'dialing', 'no_answer', 'dialing']);
    expect(sequence[3]).toMatchObject({
      humanName: 'Ben Cole',
      eventId: `${request.escalationId}:dialing:2`,
    });

    const ana = await human(fixture.humans[0]?.id);
    expect(ana).toMatchObject({ currentEscalationId: null, available: false });
    expect((await human(fixture.humans[1]?.id))?.currentEscalationId).toBe(request.escalationId);
    expect(await row(request.escalationId)).toMatchObject({ status: 'dialing', attempts: 2 });
    const attempts = await h.db
      .select()
      .from(escalationAttempts)
      .where(eq(escalationAttempts.escalationId, request.escalationId))
      .orderBy(asc(escalationAttempts.id));
    expect(attempts.map((a) => [a.humanAgentId, a.status])).toEqual([
      [fixture.humans[0]?.id, 'no_answer'],
      [fixture.humans[1]?.id, 'dialing'],
    ]);

    // Twilio repeating the same callback changes nothing and gets the same answer.
    const repeated = await h.questions.dialEnded(dial.ref, 'no_answer');
    expect(repeated).toEqual(response);
    expect(await row(request.escalationId)).toMatchObject({ attempts: 2 });
  });

  it('falls back to a call-back promise and a goodbye when the last human does not answer either', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Kim Ito' }] });
    const { request, dial } = await transferred(fixture);
    const response = await h.questions.dialEnded(dial.ref, 'busy');
    expect(response).toMatchObject({
      ok: true,
      next: {
        type: 'say_and_hang_up',
        text: expect.stringMatching(/will call you back within about 15 minutes\.$/),
      },
    });
    const scheduled = await h.statuses.waitFor(request.escalationId, 'callback_scheduled');
    expect(scheduled.message).toMatch(/within about 15 minutes/);
    const stored = await row(request.escalationId);
    expect(stored).toMatchObject({ status: 'callback_scheduled', humanAgentId: null });
    expect(stored?.callbackAt?.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it('puts the caller in the queue when the last human does not answer and the profile holds callers', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'queue', humans: [{ name: 'Lee Park' }] });
    const { request, dial } = await transferred(fixture);
    const response = await h.questions.dialEnded(dial.ref, 'no_answer');
    expect(response).toEqual({
      ok: true,
      next: {
        type: 'enqueue',
        ref: `${request.escalationId}:1`,
        queue: fixture.queue,
        say: expect.stringContaining("I'll place you on hold"),
      },
    });
    await h.statuses.waitFor(request.escalationId, 'queued');
  });

  it('records a caller who hung up while a human was ringing as failed and frees the human', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Ola Berg' }] });
    const { request, dial } = await transferred(fixture);
    const response = await h.questions.dialEnded(dial.ref, 'canceled');
    expect(response).toEqual({ ok: true, next: { type: 'hang_up' } });
    await h.statuses.waitFor(request.escalationId, 'failed');
    expect((await human(fixture.humans[0]?.id))?.currentEscalationId).toBeNull();
  });

  it('refuses a question about a transfer it never made, and a late one about another attempt changes nothing', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Max Roy' }, { name: 'Noa Lin' }],
    });
    const { request, dial } = await transferred(fixture);
    for (const ref of ['not-a-ref', `${request.escalationId}:x`]) {
      expect(await h.questions.dialEnded(ref, 'no_answer')).toMatchObject({
        ok: false,
        error: { code: 'invalid', retryable: false },
      });
    }
    const late = await h.questions.dialEnded(`${request.escalationId}:7`, 'no_answer');
    // The answer is what the call runs now: still ringing the first human.
    expect(late).toEqual({ ok: true, next: dial });
    expect(await h.questions.answered(`${request.escalationId}:7`)).toMatchObject({ ok: true });
    expect(await row(request.escalationId)).toMatchObject({ status: 'dialing', attempts: 1 });
  });

  it('frees the human of a transfer Twilio never reported on (the caller hung up before the dial)', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Ivy Chen' }] });
    const { request } = await transferred(fixture);
    expect(await h.app.releaseStaleDials()).toBe(0);
    await h.db
      .update(escalations)
      .set({ updatedAt: sql`now() - interval '10 minutes'` })
      .where(eq(escalations.id, request.escalationId));

    expect(await h.app.releaseStaleDials()).toBe(1);
    await h.statuses.waitFor(request.escalationId, 'failed');
    expect(await row(request.escalationId)).toMatchObject({
      status: 'failed',
      failureReason: 'twilio never reported how the dial ended',
    });
    expect((await human(fixture.humans[0]?.id))?.currentEscalationId).toBeNull();
    expect(await h.app.releaseStaleDials()).toBe(0);
  });

  it('acknowledges hold polls, even of an escalation it does not know (the caller keeps holding)', async () => {
    expect(await h.questions.held('unknown:1', 3)).toEqual({ ok: true });
    expect(await h.questions.held('not-a-ref')).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });
});
