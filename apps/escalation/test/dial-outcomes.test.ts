import type { EscalationRequested } from '@voice/shared/contracts';
import { escalationAttempts, escalations } from '@voice/shared/db';
import { twilioSignature } from '@voice/shared/twilio';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  createQueueFixture,
  escalationRequest,
  type QueueFixture,
  storedEscalation,
  storedHuman,
} from './support/fixtures.js';
import { PUBLIC_BASE_URL, TEST_AUTH_TOKEN } from './support/harness.js';
import { useEscalationSuite } from './support/suite.js';
import { type DialTarget, dialTarget, enqueueTarget, postAsTwilio } from './support/twilio.js';
import { waitUntil } from './support/wait.js';

describe("Twilio's callbacks on the human's leg (real NATS and Postgres)", () => {
  const { h, fake } = useEscalationSuite();
  const human = (id: string | undefined) => storedHuman(h.db, id);
  const row = (id: string) => storedEscalation(h.db, id);

  /** Publishes a request and returns what the REST update asked Twilio to dial. */
  const transferred = async (fixture: QueueFixture, overrides: Partial<EscalationRequested> = {}) => {
    const request = escalationRequest(fixture.agentId, overrides);
    await h.publish(request);
    await h.statuses.waitFor(request.escalationId, 'dialing');
    const dial = dialTarget(fake.updatesFor(request.callSid)[0]?.twiml ?? '') as DialTarget;
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

    const whisper = await postAsTwilio(h.http, dial.whisperUrl, {
      CallSid: 'CA'.padEnd(34, 'a'),
      From: '+15550000000',
    });
    expect(whisper.statusCode).toBe(200);
    expect(whisper.headers['content-type']).toMatch(/text\/xml/);
    expect(whisper.body).toContain('Reason: Refund request. Summary: Charged twice. Connecting you now.');
    expect(whisper.body).not.toContain('<Hangup');

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
    await postAsTwilio(h.http, dial.whisperUrl, {});
    const done = await postAsTwilio(h.http, dial.actionUrl, {
      DialCallStatus: 'completed',
      DialCallDuration: '95',
    });
    expect(done.body).toContain('<Hangup/>');
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
    const response = await postAsTwilio(h.http, dial.actionUrl, { DialCallStatus: 'no-answer' });
    expect(response.statusCode).toBe(200);

    const next = dialTarget(response.body);
    const id = encodeURIComponent(request.escalationId);
    expect(next).toMatchObject({
      phone: fixture.humans[1]?.phone,
      actionUrl: `${PUBLIC_BASE_URL}/twilio/dial-status?escalationId=${id}&attempt=2`,
      whisperUrl: `${PUBLIC_BASE_URL}/twilio/whisper?escalationId=${id}&attempt=2`,
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
    const repeated = await postAsTwilio(h.http, dial.actionUrl, { DialCallStatus: 'no-answer' });
    expect(dialTarget(repeated.body)).toEqual(next);
    expect(await row(request.escalationId)).toMatchObject({ attempts: 2 });
  });

  it('falls back to a call-back promise and a goodbye when the last human does not answer either', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Kim Ito' }] });
    const { request, dial } = await transferred(fixture);
    const response = await postAsTwilio(h.http, dial.actionUrl, { DialCallStatus: 'busy' });
    expect(response.body).toContain('will call you back within about 15 minutes.</Say><Hangup/>');
    const scheduled = await h.statuses.waitFor(request.escalationId, 'callback_scheduled');
    expect(scheduled.message).toMatch(/within about 15 minutes/);
    const stored = await row(request.escalationId);
    expect(stored).toMatchObject({ status: 'callback_scheduled', humanAgentId: null });
    expect(stored?.callbackAt?.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it('puts the caller in the queue when the last human does not answer and the profile holds callers', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'queue', humans: [{ name: 'Lee Park' }] });
    const { request, dial } = await transferred(fixture);
    const response = await postAsTwilio(h.http, dial.actionUrl, { DialCallStatus: 'no-answer' });
    expect(enqueueTarget(response.body)).toEqual({
      queue: fixture.queue,
      waitUrl: `${PUBLIC_BASE_URL}/twilio/hold?escalationId=${encodeURIComponent(request.escalationId)}`,
      say: expect.stringContaining("I'll place you on hold"),
    });
    await h.statuses.waitFor(request.escalationId, 'queued');
  });

  it('records a caller who hung up while a human was ringing as failed and frees the human', async () => {
    const fixture = await createQueueFixture(h.db, { fallback: 'callback', humans: [{ name: 'Ola Berg' }] });
    const { request, dial } = await transferred(fixture);
    const response = await postAsTwilio(h.http, dial.actionUrl, { DialCallStatus: 'canceled' });
    expect(response.body).toContain('<Hangup/>');
    await h.statuses.waitFor(request.escalationId, 'failed');
    expect((await human(fixture.humans[0]?.id))?.currentEscalationId).toBeNull();
  });

  it('refuses forged, unsigned and replayed-elsewhere callbacks with 403 and changes nothing', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Max Roy' }, { name: 'Noa Lin' }],
    });
    const { request, dial } = await transferred(fixture);
    const params = { DialCallStatus: 'no-answer' };
    const wrongKey = twilioSignature('not-the-auth-token', dial.actionUrl, params);
    const otherUrl = twilioSignature(TEST_AUTH_TOKEN, dial.whisperUrl, params);
    const otherParams = twilioSignature(TEST_AUTH_TOKEN, dial.actionUrl, { DialCallStatus: 'completed' });
    for (const signature of [wrongKey, otherUrl, otherParams, null, '']) {
      const response = await postAsTwilio(h.http, dial.actionUrl, params, signature);
      expect(response.statusCode).toBe(403);
    }
    const whisper = await postAsTwilio(h.http, dial.whisperUrl, {}, wrongKey);
    expect(whisper.statusCode).toBe(403);
    const hold = await postAsTwilio(h.http, `${PUBLIC_BASE_URL}/twilio/hold?escalationId=x`, {}, null);
    expect(hold.statusCode).toBe(403);
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

  it('answers hold polls with the caller position and a pause between updates', async () => {
    const hold = await postAsTwilio(h.http, `${PUBLIC_BASE_URL}/twilio/hold?escalationId=unknown`, {
      QueuePosition: '3',
      QueueTime: '40',
    });
    expect(hold.statusCode).toBe(200);
    expect(hold.body).toContain('<Say>You are number 3 in line.');
    expect(hold.body).toContain('<Pause length="20"/>');
  });
});
