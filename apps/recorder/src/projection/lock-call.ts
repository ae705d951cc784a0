import type { Database } from '@voice/shared/db';
import { sql } from 'drizzle-orm';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Serialises the projections of one call for the rest of the transaction. The end reason is
 * settled from facts that arrive on two consumers (the call's end, the hand-off's status): each
 * reads what the other wrote, and under READ COMMITTED two such transactions running side by side
 * would each miss the other's uncommitted fact (write skew) and leave the plain reason.
 */
export async function lockCall(tx: Tx, callSid: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${callSid}, 0))`);
}
