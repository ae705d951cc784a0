import { describe, expect, it } from 'vitest';
import { createQueueFixture, escalationRequest, storedEscalation } from './support/fixtures.js';
import { useEscalationSuite } from './support/suite.js';
import { waitUntil } from './support/wait.js';

describe('NATS restarting under the intake (real NATS and Postgres)', () => {
  const { h, ingress, infra } = useEscalationSuite();

  it('keeps consuming after the server comes back: a request published afterwards is routed, nothing twice', async () => {
    const fixture = await createQueueFixture(h.db, {
      fallback: 'callback',
      humans: [{ name: 'Alex Romero' }],
    });
    const before = escalationRequest(fixture.agentId);
    await h.publish(before);
    await h.statuses.waitFor(before.escalationId, 'dialing');
    await h.intakeSettled();

    await infra.nats.restart();
    const after = escalationRequest(fixture.agentId);
    // The clients reconnect on their own; a publish fails until they have.
    await waitUntil('a publish to succeed after the restart', () => h.publish(after).then(() => true));
    // Alex is on the first transfer: the second request falls back to a call-back.
    await h.statuses.waitFor(after.escalationId, 'callback_scheduled');
    await h.intakeSettled();
    const row = await storedEscalation(h.db, after.escalationId);
    expect(row?.status).toBe('callback_scheduled');
    expect(ingress.commandsFor(before.callSid)).toHaveLength(1);
    expect(ingress.commandsFor(after.callSid)).toHaveLength(0);
  });
});
