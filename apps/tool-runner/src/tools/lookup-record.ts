import { appointments, customers, slots, tickets } from '@voice/shared/db';
import { defineTool, ToolCallError } from '@voice/tool-kit';
import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { ownedBy } from './callers.js';
import type { ToolDeps } from './deps.js';
import { timeView } from './format.js';

/** Enough to talk about; the caller can ask for more. */
const MAX_LISTED = 5;
const OPEN_TICKET_STATUSES = ['open', 'in_progress'] as const;

/**
 * No arguments: the record is always the caller's own, found by the number they call from.
 * Reading someone else's record by a number the caller says would hand personal data to
 * whoever knows a customer's phone number; unknown keys are refused, not ignored.
 */
export const lookupRecordSchema = z.object({}).strict();

/** The caller's record: who they are, what is booked, what is open. */
export function lookupRecordTool({ db, now }: ToolDeps) {
  return defineTool({
    name: 'lookup_record',
    description:
      "Look up the caller's customer record: their name, upcoming appointments and open support tickets. " +
      'Uses the number they are calling from; never ask the caller for it.',
    schema: lookupRecordSchema,
    handler: async (_args, { context }) => {
      const number = context.from;
      const [customer] = await db
        .select({ id: customers.id, name: customers.name, notes: customers.notes })
        .from(customers)
        .where(eq(customers.phone, number));
      if (!customer) {
        throw new ToolCallError(
          'not_found',
          'No customer record for the number this caller is calling from. Ask for their name and help them as a new customer.',
        );
      }
      const owner = { callerPhone: appointments.callerPhone, customerId: appointments.customerId };
      const [upcoming, openTickets] = await Promise.all([
        db
          .select({
            id: appointments.id,
            startsAt: slots.startsAt,
            with: slots.resource,
            service: slots.service,
          })
          .from(appointments)
          .innerJoin(slots, eq(slots.id, appointments.slotId))
          .where(and(eq(appointments.status, 'booked'), gt(slots.startsAt, now()), ownedBy(number, owner)))
          .orderBy(asc(slots.startsAt))
          .limit(MAX_LISTED),
        db
          .select({ ref: tickets.ref, subject: tickets.subject, status: tickets.status })
          .from(tickets)
          .where(
            and(
              inArray(tickets.status, [...OPEN_TICKET_STATUSES]),
              ownedBy(number, { callerPhone: tickets.callerPhone, customerId: tickets.customerId }),
            ),
          )
          .orderBy(desc(tickets.createdAt))
          .limit(MAX_LISTED),
      ]);
      return {
        name: customer.name,
        ...(customer.notes ? { notes: customer.notes } : {}),
        upcomingAppointments: upcoming.map((a) => ({
          appointmentId: a.id,
          ...timeView(a.startsAt),
          with: a.with,
          service: a.service,
        })),
        openTickets,
      };
    },
  });
}
