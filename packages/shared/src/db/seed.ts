import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { validAgentProfile } from './agent-profile.js';
import type { Database } from './client.js';
import { agentProfiles, appointments, customers, humanAgents, slots, tickets } from './schema.js';

/**
 * Demo data: a receptionist agent for a fictional dental clinic that answers questions,
 * looks callers up, books and cancels appointments, opens tickets and hands over to the
 * front desk. Numbers are in the 555-01xx range reserved for fiction.
 */
export const DEMO_AGENT_NUMBER = '+15550001000';
export const DEMO_CALLER_NUMBER = '+15550100001';
export const DEMO_AGENT_ID = 'maple-dental-reception';

export const DEMO_HUMAN_TOKENS = {
  'alex-front-desk': 'demo-console-token-alex',
  'sam-front-desk': 'demo-console-token-sam',
} as const;

export const DEMO_TOOLS = [
  'lookup_record',
  'find_open_slots',
  'book_appointment',
  'cancel_appointment',
  'create_ticket',
  'get_ticket_status',
  'escalate_to_human',
  'end_call',
];

const INSTRUCTIONS = `You are Riley, the phone receptionist of Maple Street Dental.
Speak briefly and warmly, one or two sentences at a time; this is a phone call.
You can look up the caller's record (their number is known; never ask for it), find open
appointment slots, book and cancel appointments, open support tickets and check their status.
Always confirm the date and time before booking. Never invent availability: use the tools.
If a tool fails, say so plainly and offer another way. If the caller asks for a person, is
upset, or needs something you cannot do, hand over with escalate_to_human. When the caller
is done, say goodbye and use end_call.`;

/** SHA-256 hex of a console token; only the hash is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Future slots: the next `days` weekdays, 09:00 to 16:30 UTC every 30 minutes, two clinicians. */
function demoSlots(now: Date, days: number) {
  const rows: Array<typeof slots.$inferInsert> = [];
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  let added = 0;
  while (added < days) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    added++;
    for (const [resource, service] of [
      ['Dr. Priya Patel', 'check-up'],
      ['Hygienist Dana Kim', 'cleaning'],
    ] as const) {
      for (let minutes = 9 * 60; minutes < 17 * 60; minutes += 30) {
        const startsAt = new Date(day.getTime() + minutes * 60_000);
        rows.push({ resource, service, startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000) });
      }
    }
  }
  return rows;
}

/** Idempotent: running it twice leaves the same demo data (plus any newly future slots). */
export async function seedDemoData(db: Database, now = new Date()): Promise<void> {
  await db
    .insert(agentProfiles)
    .values(
      validAgentProfile({
        id: DEMO_AGENT_ID,
        phoneNumber: DEMO_AGENT_NUMBER,
        name: 'Riley (Maple Street Dental reception)',
        instructions: INSTRUCTIONS,
        voice: 'marin',
        greeting: 'Thank you for calling Maple Street Dental, this is Riley. How can I help you today?',
        allowedTools: DEMO_TOOLS,
        escalationQueue: 'front-desk',
        escalationFallback: 'callback',
        turnDetection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 500,
        },
        noiseReduction: 'near_field',
      }),
    )
    .onConflictDoUpdate({
      target: agentProfiles.id,
      set: { instructions: INSTRUCTIONS, allowedTools: DEMO_TOOLS, updatedAt: sql`now()` },
    });

  await db
    .insert(customers)
    .values([
      {
        phone: DEMO_CALLER_NUMBER,
        name: 'Jordan Lee',
        email: 'jordan.lee@example.com',
        notes: 'Prefers morning appointments.',
      },
      { phone: '+15550100002', name: 'Morgan Diaz', email: 'morgan.diaz@example.com', notes: null },
      {
        phone: '+15550100003',
        name: 'Casey Nguyen',
        email: null,
        notes: 'Sensitive teeth; use the soft brush.',
      },
    ])
    .onConflictDoNothing({ target: customers.phone });

  await db
    .insert(humanAgents)
    .values([
      {
        id: 'alex-front-desk',
        name: 'Alex Romero',
        phone: '+15550102001',
        queue: 'front-desk',
        skills: ['billing', 'scheduling'],
        available: true,
        tokenHash: hashToken(DEMO_HUMAN_TOKENS['alex-front-desk']),
      },
      {
        id: 'sam-front-desk',
        name: 'Sam Okafor',
        phone: '+15550102002',
        queue: 'front-desk',
        skills: ['scheduling', 'clinical'],
        available: true,
        tokenHash: hashToken(DEMO_HUMAN_TOKENS['sam-front-desk']),
      },
    ])
    .onConflictDoNothing({ target: humanAgents.id });

  await db.insert(slots).values(demoSlots(now, 10)).onConflictDoNothing();

  const [jordan] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(sql`${customers.phone} = ${DEMO_CALLER_NUMBER}`);
  if (!jordan) return;

  const existing = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(sql`${appointments.customerId} = ${jordan.id} and ${appointments.status} = 'booked'`);
  if (existing.length === 0) {
    const [slot] = await db
      .select({ id: slots.id })
      .from(slots)
      .where(sql`${slots.startsAt} > ${now.toISOString()}::timestamptz + interval '3 days'`)
      .orderBy(slots.startsAt)
      .limit(1);
    if (slot) {
      await db
        .insert(appointments)
        .values({
          slotId: slot.id,
          customerId: jordan.id,
          callerPhone: DEMO_CALLER_NUMBER,
          reason: 'check-up',
        })
        .onConflictDoNothing();
    }
  }

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
