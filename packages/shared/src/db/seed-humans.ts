import { createHash } from 'node:crypto';
import type { Database } from './client.js';
import { humanAgents } from './schema.js';

export const DEMO_HUMAN_TOKENS = {
  'alex-front-desk': 'demo-console-token-alex',
  'sam-front-desk': 'demo-console-token-sam',
} as const;

/** SHA-256 hex of a console token; only the hash is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The front desk's two humans, available, who sign in to the console with the demo tokens. */
export async function seedDemoHumans(db: Database): Promise<void> {
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
}
