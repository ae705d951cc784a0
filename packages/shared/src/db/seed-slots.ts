import type { Database } from './client.js';
import { slots } from './schema.js';

const SLOT_DAYS = 10;

/** Open appointment slots for the next weekdays; slots already there are left as they are. */
export async function seedDemoSlots(db: Database, now: Date): Promise<void> {
  await db.insert(slots).values(demoSlots(now, SLOT_DAYS)).onConflictDoNothing();
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
