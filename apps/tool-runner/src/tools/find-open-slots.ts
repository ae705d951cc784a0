import { appointments, slots } from '@voice/shared/db';
import { defineTool, ToolCallError } from '@voice/tool-kit';
import { and, asc, eq, gt, gte, lt, notExists, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { ToolDeps } from './deps.js';
import { timeView } from './format.js';

export const SERVICES = ['check-up', 'cleaning'] as const;
const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 10;
const DAY_MS = 86_400_000;

export const findOpenSlotsSchema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
    .optional()
    .describe('Only slots on this day (YYYY-MM-DD, UTC).'),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only slots starting at or after this time (ISO 8601).'),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only slots starting before this time (ISO 8601).'),
  service: z
    .enum(SERVICES)
    .optional()
    .describe('check-up (with the dentist) or cleaning (with the hygienist).'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .optional()
    .describe(`How many to offer (default ${DEFAULT_LIMIT}).`),
});

type SlotQuery = z.output<typeof findOpenSlotsSchema>;

/** The time window a query asks for, or a message the model can act on when it makes no sense. */
function windowOf(query: SlotQuery): { after?: Date; before?: Date } {
  let after = query.from ? new Date(query.from) : undefined;
  let before = query.to ? new Date(query.to) : undefined;
  if (query.date) {
    const dayStart = new Date(`${query.date}T00:00:00Z`);
    if (Number.isNaN(dayStart.getTime()))
      throw new ToolCallError('bad_arguments', `${query.date} is not a real date.`);
    after = after && after > dayStart ? after : dayStart;
    const dayEnd = new Date(dayStart.getTime() + DAY_MS);
    before = before && before < dayEnd ? before : dayEnd;
  }
  if (after && before && after >= before) {
    throw new ToolCallError(
      'bad_arguments',
      'The time range is empty: "from" must be before "to" (and on the date given).',
    );
  }
  return { ...(after ? { after } : {}), ...(before ? { before } : {}) };
}

/** Open (unbooked) future slots, soonest first. */
export function findOpenSlotsTool({ db, now }: ToolDeps) {
  return defineTool({
    name: 'find_open_slots',
    description:
      'Find open appointment slots, soonest first. Optionally for a day, a time range or a service. ' +
      'Offer the caller a few and book the one they choose with book_appointment.',
    schema: findOpenSlotsSchema,
    handler: async (query) => {
      const { after, before } = windowOf(query);
      const conditions: SQL[] = [
        gt(slots.startsAt, now()),
        notExists(
          db
            .select({ id: appointments.id })
            .from(appointments)
            .where(and(eq(appointments.slotId, slots.id), eq(appointments.status, 'booked'))),
        ),
      ];
      if (after) conditions.push(gte(slots.startsAt, after));
      if (before) conditions.push(lt(slots.startsAt, before));
      if (query.service) conditions.push(eq(slots.service, query.service));
      const open = await db
        .select({ id: slots.id, startsAt: slots.startsAt, with: slots.resource, service: slots.service })
        .from(slots)
        .where(and(...conditions))
        .orderBy(asc(slots.startsAt), asc(slots.id))
        .limit(query.limit ?? DEFAULT_LIMIT);
      return {
        slots: open.map((s) => ({ slotId: s.id, ...timeView(s.startsAt), with: s.with, service: s.service })),
        ...(open.length === 0
          ? { message: 'No open slots match. Suggest another day, time or service.' }
          : {}),
      };
    },
  });
}
