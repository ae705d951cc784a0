import { appointments, slots } from '@voice/shared/db';
import { defineTool, ToolCallError } from '@voice/tool-kit';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { customerIdByPhone } from './callers.js';
import type { ToolDeps } from './deps.js';
import { timeView } from './format.js';

export const bookAppointmentSchema = z.object({
  slotId: z.number().int().positive().describe('The slotId of an open slot from find_open_slots.'),
  reason: z.string().trim().max(200).optional().describe('Why the caller is coming, in a few words.'),
});

/**
 * Books a slot for the person calling. The partial unique index (one `booked` appointment per
 * slot) decides between concurrent requests: exactly one insert wins, the rest hear `conflict`.
 */
export function bookAppointmentTool({ db, now }: ToolDeps) {
  return defineTool({
    name: 'book_appointment',
    description:
      'Book an open slot for the caller (their number is known). Confirm the day and time with the caller first. ' +
      'If the slot was just taken, offer another from find_open_slots.',
    schema: bookAppointmentSchema,
    handler: async ({ slotId, reason }, { context, signal }) => {
      const [slot] = await db.select().from(slots).where(eq(slots.id, slotId));
      if (!slot || slot.startsAt <= now()) {
        throw new ToolCallError(
          'not_found',
          'That slot does not exist or has already passed. Find open slots again and offer one of those.',
        );
      }
      const customerId = await customerIdByPhone(db, context.from);
      // Past the deadline the caller has heard "timeout": booking now would be a surprise.
      signal.throwIfAborted();
      const [booked] = await db
        .insert(appointments)
        .values({
          slotId,
          customerId: customerId ?? null,
          callerPhone: context.from,
          reason: reason || null,
          callSid: context.callSid,
        })
        .onConflictDoNothing({ target: appointments.slotId, where: eq(appointments.status, 'booked') })
        .returning({ id: appointments.id });
      if (!booked) {
        throw new ToolCallError(
          'conflict',
          'That slot has just been taken. Offer the caller another open slot.',
        );
      }
      return {
        appointmentId: booked.id,
        status: 'booked',
        ...timeView(slot.startsAt),
        with: slot.resource,
        service: slot.service,
      };
    },
  });
}
