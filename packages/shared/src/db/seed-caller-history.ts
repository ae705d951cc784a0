import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { appointments, customers, slots, tickets } from './schema.js';
import { DEMO_CALLER_NUMBER } from './seed-customers.js';

/**
 * What the demo caller already has with the clinic: one booked appointment (on the first slot
 * more than three days out, unless one is booked already) and one open ticket. Needs the slots.
 */
export async function seedDemoCallerHistory(db: Database, now: Date): Promise<void> {
  const [jordan] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(sql`${customers.phone} = ${DEMO_CALLER_NUMBER}`);
  if (!jordan) return;
  await bookFirstAppointment(db, jordan.id, now);
  await db
    .insert(tickets)
    .values({
      ref: 'T-1001',
      customerId: jordan.id,
      callerPhone: DEMO_CALLER_NUMBER,
      subject: 'Insurance claim for last visit',
      description: 'Caller asked us to resubmit the claim for the March cleaning.',
      status: 'in_progress',
    })
    .onConflictDoNothing({ target: tickets.ref });
}

async function bookFirstAppointment(db: Database, customerId: number, now: Date): Promise<void> {
  const existing = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(sql`${appointments.customerId} = ${customerId} and ${appointments.status} = 'booked'`);
  if (existing.length > 0) return;
  const [slot] = await db
    .select({ id: slots.id })
    .from(slots)
    .where(sql`${slots.startsAt} > ${now.toISOString()}::timestamptz + interval '3 days'`)
    .orderBy(slots.startsAt)
    .limit(1);
  if (!slot) return;
  await db
    .insert(appointments)
    .values({ slotId: slot.id, customerId, callerPhone: DEMO_CALLER_NUMBER, reason: 'check-up' })
    .onConflictDoNothing();
}
