import type { EscalationStatus } from '@voice/shared/contracts';
import { callEvents, calls, type Database } from '@voice/shared/db';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { lockCall } from './lock-call.js';

/** Statuses that mean the escalation service moved the live call to a human. */
const TRANSFER_STATUSES: ReadonlySet<EscalationStatus['status']> = new Set(['dialing', 'connected']);

/**
 * Escalation status changes join the call's timeline (the escalation service owns the
 * `escalations` rows themselves). Idempotent on the status event id. A call handed to a human
 * ends as `transferred`, whichever of its end and the hand-off is recorded first.
 */
export async function applyEscalationStatus(db: Database, status: EscalationStatus): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockCall(tx, status.callSid);
    const inserted = await tx
      .insert(callEvents)
      .values({
        eventId: `escalation:${status.eventId}`,
        callSid: status.callSid,
        type: 'escalation.status',
        at: new Date(status.at),
        payload: status,
      })
      .onConflictDoNothing()
      .returning({ eventId: callEvents.eventId });
    if (inserted.length === 0) return false;
    if (TRANSFER_STATUSES.has(status.status)) {
      await tx
        .update(calls)
        .set({ endReason: 'transferred' })
        .where(
          and(
            eq(calls.callSid, status.callSid),
            eq(calls.status, 'ended'),
            or(isNull(calls.endReason), inArray(calls.endReason, ['completed', 'caller_hangup'])),
          ),
        );
    }
    return true;
  });
}
