import { escalations } from '@voice/shared/db';
import { and, eq, lt } from 'drizzle-orm';
import { recordAttemptOutcome } from '../store/attempts.js';
import { lockEscalation, updateEscalation } from '../store/escalations.js';
import { freeHuman } from '../store/humans.js';
import type { HandoffContext } from './context.js';
import type { QueueServer } from './queue-server.js';

/** Past the dial timeout, how long the ingress may take to report a dial's outcome before we stop waiting. */
export const DIAL_OUTCOME_GRACE_MS = 120_000;
const MS_PER_SECOND = 1_000;
const SWEEP_BATCH = 50;

/**
 * Releases humans from transfers the ingress never reported on. A dial always ends with an
 * outcome, except when the caller hangs up before it starts (during the "connecting you" line) or
 * no instance of this service answered the ingress' question: left alone, the human would stay reserved for
 * good. Such a transfer is recorded as failed and its human freed. Returns how many it released.
 */
export async function releaseStaleDials(ctx: HandoffContext, queueServer: QueueServer): Promise<number> {
  const cutoff = new Date(
    ctx.now().getTime() - ctx.settings.dialTimeoutSeconds * MS_PER_SECOND - DIAL_OUTCOME_GRACE_MS,
  );
  const stale = await ctx.db
    .select({ id: escalations.id })
    .from(escalations)
    .where(and(eq(escalations.status, 'dialing'), lt(escalations.updatedAt, cutoff)))
    .limit(SWEEP_BATCH);
  let released = 0;
  for (const { id } of stale) {
    const failed = await ctx.db.transaction(async (tx) => {
      const row = await lockEscalation(tx, id);
      if (row?.status !== 'dialing' || row.updatedAt >= cutoff || !row.humanAgentId) return undefined;
      await recordAttemptOutcome(tx, id, row.humanAgentId, 'failed', true);
      await freeHuman(tx, row.humanAgentId, id);
      return updateEscalation(tx, id, {
        status: 'failed',
        failureReason: 'twilio never reported how the dial ended',
      });
    });
    if (!failed) continue;
    released++;
    ctx.logger.warn({ callSid: failed.callSid, escalationId: id }, 'stale transfer released');
    ctx.publisher.announce({ escalation: failed, status: 'failed' });
    queueServer.humanFreed(failed.queue);
  }
  return released;
}
