import { recordAttemptOutcome } from '../store/attempts.js';
import { type Escalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { freeHuman } from '../store/humans.js';
import type { HandoffContext } from './context.js';

/**
 * Records an escalation as failed for good (a permanent error, an unknown agent, a call that
 * already ended), frees its human, and tells the agent so the caller is never left hanging.
 * Returns undefined when there is no such escalation; a final one is left as it is.
 */
export async function failEscalation(
  ctx: HandoffContext,
  id: string,
  reason: string,
  message: string = ctx.messages.failed(),
): Promise<Escalation | undefined> {
  const failed = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, id);
    if (!row || row.status === 'failed' || row.status === 'resolved') return undefined;
    if (row.humanAgentId && (row.status === 'routing' || row.status === 'dialing')) {
      await recordAttemptOutcome(tx, id, row.humanAgentId, 'failed', true);
    }
    if (row.humanAgentId) await freeHuman(tx, row.humanAgentId, id);
    return updateEscalation(tx, id, { status: 'failed', failureReason: reason, message });
  });
  if (failed) {
    ctx.logger.warn({ callSid: failed.callSid, escalationId: id, reason }, 'escalation failed');
    await ctx.publisher.publish({ escalation: failed, status: 'failed', message });
  }
  return failed;
}
