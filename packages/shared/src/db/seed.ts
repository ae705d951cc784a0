import type { Database } from './client.js';
import { seedDemoAgent } from './seed-agent.js';
import { seedDemoCallerHistory } from './seed-caller-history.js';
import { seedDemoCustomers } from './seed-customers.js';
import { seedDemoHumans } from './seed-humans.js';
import { seedDemoSlots } from './seed-slots.js';

export { DEMO_AGENT_ID, DEMO_AGENT_NUMBER, DEMO_TOOLS } from './seed-agent.js';
export { DEMO_CALLER_NUMBER } from './seed-customers.js';
export { DEMO_HUMAN_TOKENS, hashToken } from './seed-humans.js';

/**
 * Demo data: a receptionist agent for a fictional dental clinic that answers questions,
 * looks callers up, books and cancels appointments, opens tickets and hands over to the
 * front desk. Numbers are in the 555-01xx range reserved for fiction.
 *
 * Idempotent: running it twice leaves the same demo data (plus any newly future slots).
 */
export async function seedDemoData(db: Database, now = new Date()): Promise<void> {
  await seedDemoAgent(db);
  await seedDemoCustomers(db);
  await seedDemoHumans(db);
  await seedDemoSlots(db, now);
  // The caller's appointment takes one of the slots just seeded.
  await seedDemoCallerHistory(db, now);
}
