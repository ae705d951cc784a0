import { type HumanAgent, humanAgents } from '@voice/shared/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from './db.js';

export type { HumanAgent } from '@voice/shared/db';

export async function findHuman(db: Queryable, id: string): Promise<HumanAgent | undefined> {
  const [row] = await db.select().from(humanAgents).where(eq(humanAgents.id, id));
  return row;
}

export async function findHumanByTokenHash(
  db: Queryable,
  tokenHash: string,
): Promise<HumanAgent | undefined> {
  const [row] = await db.select().from(humanAgents).where(eq(humanAgents.tokenHash, tokenHash));
  return row;
}

export async function setAvailability(
  db: Queryable,
  id: string,
  available: boolean,
): Promise<HumanAgent | undefined> {
  const [row] = await db
    .update(humanAgents)
    .set({ available, updatedAt: sql`now()` })
    .where(eq(humanAgents.id, id))
    .returning();
  return row;
}

/** Releases the human from this escalation; a no-op when they hold another one (or none). */
export async function freeHuman(
  tx: Transaction,
  humanAgentId: string,
  escalationId: string,
): Promise<boolean> {
  const rows = await tx
    .update(humanAgents)
    .set({ currentEscalationId: null, updatedAt: sql`now()` })
    .where(and(eq(humanAgents.id, humanAgentId), eq(humanAgents.currentEscalationId, escalationId)))
    .returning({ id: humanAgents.id });
  return rows.length > 0;
}

/**
 * A human who let a transfer ring out is set unavailable (contact centres call it RONA,
 * "redirect on no answer"): they are away from the phone, and offering them the next caller
 * would only make that caller wait too. They come back by setting themselves available.
 */
export async function markUnavailable(tx: Transaction, humanAgentId: string): Promise<void> {
  await tx
    .update(humanAgents)
    .set({ available: false, updatedAt: sql`now()` })
    .where(eq(humanAgents.id, humanAgentId));
}

/** The humans of one queue, by name (the console names who handles what). */
export async function listHumansOfQueue(db: Queryable, queue: string): Promise<HumanAgent[]> {
  return db.select().from(humanAgents).where(eq(humanAgents.queue, queue)).orderBy(humanAgents.name);
}
