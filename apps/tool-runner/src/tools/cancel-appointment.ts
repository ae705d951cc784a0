import { appointments, slots } from '@voice/shared/db';
import { defineTool, ToolCallError } from '@voice/tool-kit';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ownedBy } from './callers.js';
import type { ToolDeps } from './deps.js';
import { timeView } from './format.js';

export const cancelAppointmentSchema = z.object({
  appointmentId: z
    .number()
    .int()
    .positive()
    .describe('The appointmentId from lookup_record or book_appointment.'),
});

/** Cancels one of the caller's own upcoming appointments; anything else is `not_found`. */
export function cancelAppointmentTool({ db, now }: ToolDeps) {
  return defineTool({
    name: 'cancel_appointment',
    description:
      "Cancel one of the caller's upcoming appointments. Confirm which one with the caller first (lookup_record lists them).",
    schema: cancelAppointmentSchema,
    handler: async ({ appointmentId }, { context, signal }) => {
      signal.throwIfAborted();
      // One conditional update: ownership, "still booked" and "still ahead" are checked where the change happens.
      const upcomingSlots = db.select({ id: slots.id }).from(slots).where(gt(slots.startsAt, now()));
      const [cancelled] = await db
        .update(appointments)
        .set({ status: 'cancelled', cancelledAt: sql`now()` })
        .where(
          and(
            eq(appointments.id, appointmentId),
            eq(appointments.status, 'booked'),
            inArray(appointments.slotId, upcomingSlots),
            ownedBy(context.from, {
              callerPhone: appointments.callerPhone,
              customerId: appointments.customerId,
            }),
          ),
        )
        .returning({ id: appointments.id, slotId: appointments.slotId });
      if (!cancelled) {
        throw new ToolCallError(
          'not_found',
          'The caller has no upcoming booked appointment with that id. Use lookup_record to see their appointments.',
        );
      }
      const [slot] = await db.select().from(slots).where(eq(slots.id, cancelled.slotId));
      return {
        appointmentId: cancelled.id,
        status: 'cancelled',
        ...(slot ? { ...timeView(slot.startsAt), with: slot.resource } : {}),
      };
    },
  });
}
