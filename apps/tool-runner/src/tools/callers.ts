import { customers, type Database } from '@voice/shared/db';
import { eq, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** The customer id of a phone number, when the business knows it. */
export async function customerIdByPhone(db: Database, phone: string): Promise<number | undefined> {
  const [row] = await db.select({ id: customers.id }).from(customers).where(eq(customers.phone, phone));
  return row?.id;
}

/**
 * "Belongs to the person calling from `phone`": booked or opened from that number, or linked
 * to the customer record of that number. Callers only ever see and change their own things.
 */
export function ownedBy(phone: string, columns: { callerPhone: AnyPgColumn; customerId: AnyPgColumn }): SQL {
  return or(
    eq(columns.callerPhone, phone),
    sql`${columns.customerId} in (select ${customers.id} from ${customers} where ${customers.phone} = ${phone})`,
  ) as SQL;
}
