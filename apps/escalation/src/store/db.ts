import type { Database } from '@voice/shared/db';

/** A drizzle transaction on the service's database. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Either the pool or a transaction: read helpers work on both. */
export type Queryable = Database | Transaction;
