import { sql } from 'drizzle-orm';
import type { Transaction } from '../store/db.js';

/** The human a transfer will ring. */
export interface ReservedHuman {
  id: string;
  name: string;
  phone: string;
}

/** Who may be reserved for an escalation. */
export interface ReserveCriteria {
  escalationId: string;
  queue: string;
  /** The human must have all of these. */
  skills: readonly string[];
  /** Skip humans already tried for this escalation (the next one after a no-answer). */
  excludeTried: boolean;
  /** Only this human (a console "accept"); availability is then theirs to decide. */
  onlyHumanId?: string;
}

/**
 * Reserves one free human for an escalation in a single statement: the candidate row is
 * locked with `FOR UPDATE SKIP LOCKED`, so concurrent reservations each lock a different
 * human, and one committed just before ours is re-checked (`current_escalation_id is null`)
 * and skipped. Least recently busy first. Undefined when nobody fits.
 */
export async function reserveHuman(
  tx: Transaction,
  criteria: ReserveCriteria,
): Promise<ReservedHuman | undefined> {
  const who =
    criteria.onlyHumanId === undefined
      ? sql`candidate.available`
      : sql`candidate.id = ${criteria.onlyHumanId}`;
  const notTried = criteria.excludeTried
    ? sql`and not exists (
        select 1 from escalation_attempts tried
        where tried.escalation_id = ${criteria.escalationId} and tried.human_agent_id = candidate.id)`
    : sql``;
  const result = await tx.execute<{ id: string; name: string; phone: string }>(sql`
    update human_agents
    set current_escalation_id = ${criteria.escalationId}, updated_at = now()
    where id = (
      select candidate.id from human_agents candidate
      where candidate.queue = ${criteria.queue}
        and candidate.current_escalation_id is null
        and ${who}
        and candidate.skills @> ${sql.param([...criteria.skills])}::text[]
        ${notTried}
      order by candidate.updated_at, candidate.id
      limit 1
      for update skip locked
    )
    returning id, name, phone`);
  return result.rows[0];
}
