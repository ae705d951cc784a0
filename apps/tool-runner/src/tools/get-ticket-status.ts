import { tickets } from '@voice/shared/db';
import { defineTool, ToolCallError } from '@voice/tool-kit';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ownedBy } from './callers.js';
import type { ToolDeps } from './deps.js';
import { spokenTime } from './format.js';
import { normalizeTicketRef } from './ticket-ref.js';

export const getTicketStatusSchema = z.object({
  ref: z.string().min(1).max(20).describe('The ticket reference, e.g. T-1042 (the number alone is fine).'),
});

/** The status of one of the caller's own tickets. */
export function getTicketStatusTool({ db }: ToolDeps) {
  return defineTool({
    name: 'get_ticket_status',
    description: "Check the status of one of the caller's support tickets by its reference (e.g. T-1042).",
    schema: getTicketStatusSchema,
    handler: async ({ ref }, { context }) => {
      const normalized = normalizeTicketRef(ref);
      if (!normalized) {
        throw new ToolCallError(
          'bad_arguments',
          'A ticket reference looks like T-1042. Ask the caller to read it again.',
        );
      }
      const [ticket] = await db
        .select({
          ref: tickets.ref,
          subject: tickets.subject,
          status: tickets.status,
          priority: tickets.priority,
          updatedAt: tickets.updatedAt,
        })
        .from(tickets)
        .where(
          and(
            eq(tickets.ref, normalized),
            ownedBy(context.from, { callerPhone: tickets.callerPhone, customerId: tickets.customerId }),
          ),
        );
      if (!ticket) {
        throw new ToolCallError(
          'not_found',
          `The caller has no ticket ${normalized}. Check the reference with them, or open a new ticket.`,
        );
      }
      return {
        ref: ticket.ref,
        subject: ticket.subject,
        status: ticket.status,
        priority: ticket.priority,
        updatedAt: ticket.updatedAt.toISOString(),
        updated: spokenTime(ticket.updatedAt),
      };
    },
  });
}
