import { type EscalationRequested, escalationAnnouncedSchema, subjects } from '@voice/shared/contracts';
import { publishContract } from '@voice/shared/nats';
import { describe, expect, it } from 'vitest';
import { createQueueFixture, escalationRequest, newCallSid, storedEscalation } from './support/fixtures.js';
import { counterValue } from './support/harness.js';
import { useEscalationSuite } from './support/suite.js';
import { waitUntil } from './support/wait.js';

/** Long enough that a transfer before the fact can only be the bug, short enough for the suite. */
const BOUND_MS = 4_000;

describe('the call moves only once the agent has said it is handing over (real NATS and Postgres)', () => {
  const { h, ingress } = useEscalationSuite({ config: { ANNOUNCEMENT_WAIT_MS: BOUND_MS } });

  /** What the media-bridge publishes when the hand-off line has played to its last mark. */
  const announce = (request: Pick<EscalationRequested, 'escalationId' | 'callSid'>) =>
    publishContract(
      h.js,
      subjects.escalationAnnounced(request.callSid),
      escalationAnnouncedSchema,
      { escalationId: request.escalationId, callSid: request.callSid, at: new Date().toISOString() },
      `${request.escalationId}:announced`,
    );

  const reservedHuman = async (id: string) => (await storedEscalation(h.db, id))?.humanAgentId ?? undefined;

  const newRequest = async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Alex Romero' }],
    });
    return escalationRequest(fixture.agentId, { callSid: newCallSid() });
  };

  it('holds the reserved transfer until the hand-off line was heard, then moves the call once', async () => {
    const request = await newRequest();
    await h.publish(request);
    await waitUntil('the human reserved', async () => (await reservedHuman(request.escalationId)) ?? false);

    // Without the wait the update would already be on its way: it must come after the fact.
    const heardAt = Date.now();
    await announce(request);
    const update = await ingress.waitForCommand((c) => c.callSid === request.callSid);
    expect(update.receivedAt).toBeGreaterThanOrEqual(heardAt);
    expect(update.receivedAt - heardAt).toBeLessThan(BOUND_MS / 2);
    await h.statuses.waitFor(request.escalationId, 'dialing');
    await h.intakeSettled();
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);
  });

  it('moves the call at once when the line was heard before the human was reserved', async () => {
    const request = await newRequest();
    await announce(request);
    const publishedAt = Date.now();
    await h.publish(request);
    const update = await ingress.waitForCommand((c) => c.callSid === request.callSid);
    expect(update.receivedAt - publishedAt).toBeLessThan(BOUND_MS / 2);
  });

  it('never waits forever: without the fact the call moves after the bound, once', async () => {
    const request = await newRequest();
    // A fact about another escalation of the same call does not count.
    await announce({ callSid: request.callSid, escalationId: `${request.callSid}:another-tool-call` });
    const publishedAt = Date.now();
    await h.publish(request);
    const update = await ingress.waitForCommand((c) => c.callSid === request.callSid, BOUND_MS * 3);
    expect(update.receivedAt - publishedAt).toBeGreaterThanOrEqual(BOUND_MS - 100);
    await h.statuses.waitFor(request.escalationId, 'dialing');
    await h.intakeSettled();
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);
  });

  it('a retryable refusal after the wait is retried, and the call moved once without waiting the bound again', async () => {
    const request = await newRequest();
    const naks = await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'transient' });
    await h.publish(request);
    await waitUntil('the human reserved', async () => (await reservedHuman(request.escalationId)) ?? false);
    ingress.failNext(1);
    const heardAt = Date.now();
    await announce(request);
    await h.statuses.waitFor(request.escalationId, 'dialing');
    await h.intakeSettled();
    expect(ingress.refused.filter((r) => r.callSid === request.callSid).map((r) => r.error.code)).toEqual([
      'unavailable',
    ]);
    expect(ingress.commandsFor(request.callSid)).toHaveLength(1);
    // The redelivery found the stored fact at once.
    expect(
      (await ingress.waitForCommand((c) => c.callSid === request.callSid)).receivedAt - heardAt,
    ).toBeLessThan(BOUND_MS);
    expect(await counterValue(h.registry, 'escalation_intake_naks_total', { reason: 'transient' })).toBe(
      naks + 1,
    );
  });
});
