import type { EscalationRequested } from '@voice/shared/contracts';
import { type EscalationRow, escalations, humanAgents } from '@voice/shared/db';
import { and, desc, eq, exists, inArray, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  CALL_OWNING_STATUSES,
  PRIORITY_RANK,
  STORED_STATUSES,
  type StoredStatus,
} from '../domain/statuses.js';
import type { Queryable, Transaction } from './db.js';

/** An escalation row whose status is known to be one this service writes. */
export type Escalation = Omit<EscalationRow, 'status'> & { status: StoredStatus };

const storedStatusSchema = z.enum(STORED_STATUSES);

function asEscalation(row: EscalationRow): Escalation {
  // Only this service writes the column; an unknown value means the schema drifted, not bad input.
  return { ...row, status: storedStatusSchema.parse(row.status) };
}

/** Persists a request; a redelivered or republished one leaves the stored row as it is. */
export async function insertEscalation(
  db: Queryable,
  request: EscalationRequested,
  queue: string,
): Promise<void> {
  await db
    .insert(escalations)
    .values({
      id: request.escalationId,
      callSid: request.callSid,
      agentId: request.agentId,
      caller: request.caller,
      queue,
      reason: request.reason,
      summary: request.summary,
      priority: request.priority,
      skills: request.skills ?? [],
      transcript: request.transcript,
      status: 'received',
      requestedAt: new Date(request.requestedAt),
    })
    .onConflictDoNothing({ target: escalations.id });
}

export async function findEscalation(db: Queryable, id: string): Promise<Escalation | undefined> {
  const [row] = await db.select().from(escalations).where(eq(escalations.id, id));
  return row ? asEscalation(row) : undefined;
}

/** Locks the row for the rest of the transaction: every state change goes through here. */
export async function lockEscalation(tx: Transaction, id: string): Promise<Escalation | undefined> {
  const [row] = await tx.select().from(escalations).where(eq(escalations.id, id)).for('update');
  return row ? asEscalation(row) : undefined;
}

/** The columns a state change may set (`updated_at` is always set). */
export type EscalationChanges = Partial<
  Pick<
    EscalationRow,
    'humanAgentId' | 'attempts' | 'message' | 'callbackAt' | 'failureReason' | 'resolvedAt' | 'queue'
  >
> & { status?: StoredStatus };

export async function updateEscalation(
  tx: Transaction,
  id: string,
  changes: EscalationChanges,
): Promise<Escalation> {
  const [row] = await tx
    .update(escalations)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(escalations.id, id))
    .returning();
  if (!row) throw new Error(`escalation ${id} vanished inside its own transaction`);
  return asEscalation(row);
}

/**
 * Serialises the hand-offs of one call (a transaction-scoped advisory lock on the call SID)
 * and tells whether another escalation already owns it: the model may ask twice in parallel.
 */
export async function otherOwnerOfCall(
  tx: Transaction,
  callSid: string,
  id: string,
): Promise<string | undefined> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${callSid}, 0))`);
  const [other] = await tx
    .select({ id: escalations.id })
    .from(escalations)
    .where(
      and(
        eq(escalations.callSid, callSid),
        ne(escalations.id, id),
        inArray(escalations.status, [...CALL_OWNING_STATUSES]),
      ),
    )
    .limit(1);
  return other?.id;
}

const priorityOrder = sql`case ${escalations.priority} when 'urgent' then ${PRIORITY_RANK.urgent} when 'high' then ${PRIORITY_RANK.high} when 'normal' then ${PRIORITY_RANK.normal} else ${PRIORITY_RANK.low} end`;

/**
 * The caller who has waited in the queue longest (most urgent first) among those a free human
 * has every skill for, so a caller nobody free can serve does not hold up the ones behind them.
 * Skipped when another instance holds it.
 */
export async function lockNextServable(tx: Transaction, queue: string): Promise<Escalation | undefined> {
  const freeHumanWithSkills = tx
    .select({ id: humanAgents.id })
    .from(humanAgents)
    .where(
      and(
        eq(humanAgents.queue, queue),
        eq(humanAgents.available, true),
        isNull(humanAgents.currentEscalationId),
        sql`${humanAgents.skills} @> ${escalations.skills}`,
      ),
    );
  const [row] = await tx
    .select()
    .from(escalations)
    .where(and(eq(escalations.queue, queue), eq(escalations.status, 'queued'), exists(freeHumanWithSkills)))
    .orderBy(priorityOrder, escalations.requestedAt)
    .limit(1)
    .for('update', { skipLocked: true });
  return row ? asEscalation(row) : undefined;
}

export async function listByStatus(
  db: Queryable,
  queue: string,
  statuses: readonly StoredStatus[],
  limit: number,
  order: 'queue' | 'recent',
): Promise<Escalation[]> {
  const rows = await db
    .select()
    .from(escalations)
    .where(and(eq(escalations.queue, queue), inArray(escalations.status, [...statuses])))
    .orderBy(
      ...(order === 'queue' ? [priorityOrder, escalations.requestedAt] : [desc(escalations.updatedAt)]),
    )
    .limit(limit);
  return rows.map(asEscalation);
}
