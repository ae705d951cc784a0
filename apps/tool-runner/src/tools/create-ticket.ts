import { tickets } from '@voice/shared/db';
import { defineTool } from '@voice/tool-kit';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { customerIdByPhone } from './callers.js';
import type { ToolDeps } from './deps.js';
import { ticketRef } from './ticket-ref.js';

export const createTicketSchema = z.object({
  subject: z
    .string()
    .trim()
    .min(3)
    .max(120)
    .describe('A short title, e.g. "Insurance claim for March visit".'),
  description: z
    .string()
    .trim()
    .min(1)
    .max(2_000)
    .describe('What the caller needs, in their words, summarised.'),
  priority: z
    .enum(['low', 'normal', 'high'])
    .optional()
    .describe('normal unless the caller says it is urgent.'),
});

/** Opens a support ticket for the caller and gives back the reference to read out. */
export function createTicketTool({ db }: ToolDeps) {
  return defineTool({
    name: 'create_ticket',
    description:
      'Open a support ticket for the caller (billing, insurance, records, complaints). ' +
      'Read the returned reference to the caller so they can ask about it later.',
    schema: createTicketSchema,
    handler: async ({ subject, description, priority }, { context, signal }) => {
      const customerId = await customerIdByPhone(db, context.from);
      // The reference is derived from the row's own id, so it is unique without a retry loop.
      const [next] = await db
        .execute<{ id: string }>(sql`select nextval(pg_get_serial_sequence('tickets', 'id'))::text as id`)
        .then((r) => r.rows);
      const id = Number(next?.id);
      signal.throwIfAborted();
      const [ticket] = await db
        .insert(tickets)
        .values({
          id,
          ref: ticketRef(id),
          customerId: customerId ?? null,
          callerPhone: context.from,
          subject,
          description,
          priority: priority ?? 'normal',
          callSid: context.callSid,
        })
        .returning({ ref: tickets.ref, status: tickets.status, priority: tickets.priority });
      return { ...ticket, subject };
    },
  });
}
