import { escalationAttempts } from '@voice/shared/db';
import { and, desc, eq } from 'drizzle-orm';
import type { Queryable, Transaction } from './db.js';

/** Twilio's outcome of ringing one human. */
export type AttemptOutcome = 'answered' | 'no_answer' | 'busy' | 'failed';

export async function insertAttempt(
  tx: Transaction,
  escalationId: string,
  humanAgentId: string,
): Promise<void> {
  await tx.insert(escalationAttempts).values({ escalationId, humanAgentId, status: 'dialing' });
}

/**
 * Records the outcome of the latest attempt on this human. `ended` is false for "answered"
 * while the conversation goes on (the whisper was fetched); the dial's end sets it.
 */
export async function recordAttemptOutcome(
  tx: Transaction,
  escalationId: string,
  humanAgentId: string,
  outcome: AttemptOutcome,
  ended: boolean,
): Promise<void> {
  const [latest] = await tx
    .select({ id: escalationAttempts.id })
    .from(escalationAttempts)
    .where(
      and(
        eq(escalationAttempts.escalationId, escalationId),
        eq(escalationAttempts.humanAgentId, humanAgentId),
      ),
    )
    .orderBy(desc(escalationAttempts.id))
    .limit(1);
  if (!latest) return;
  await tx
    .update(escalationAttempts)
    .set({ status: outcome, ...(ended ? { endedAt: new Date() } : {}) })
    .where(eq(escalationAttempts.id, latest.id));
}

/** One human tried for an escalation, as the console shows it. */
export interface AttemptView {
  humanAgentId: string;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
}

export async function listAttempts(db: Queryable, escalationId: string): Promise<AttemptView[]> {
  return db
    .select({
      humanAgentId: escalationAttempts.humanAgentId,
      status: escalationAttempts.status,
      startedAt: escalationAttempts.startedAt,
      endedAt: escalationAttempts.endedAt,
    })
    .from(escalationAttempts)
    .where(eq(escalationAttempts.escalationId, escalationId))
    .orderBy(escalationAttempts.id);
}
