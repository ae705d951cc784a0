import type { Database } from './client.js';
import { customers } from './schema.js';

export const DEMO_CALLER_NUMBER = '+15550100001';

/** Three of the clinic's customers; the demo caller (Jordan) is the first. */
export async function seedDemoCustomers(db: Database): Promise<void> {
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
}
