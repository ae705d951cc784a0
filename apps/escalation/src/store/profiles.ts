import { agentProfiles } from '@voice/shared/db';
import { eq } from 'drizzle-orm';
import type { Queryable } from './db.js';

/** Where an agent's escalations go, and what happens when nobody there is free. */
export interface RoutingProfile {
  queue: string;
  fallback: 'queue' | 'callback';
}

export async function findRoutingProfile(
  db: Queryable,
  agentId: string,
): Promise<RoutingProfile | undefined> {
  const [row] = await db
    .select({ queue: agentProfiles.escalationQueue, fallback: agentProfiles.escalationFallback })
    .from(agentProfiles)
    .where(eq(agentProfiles.id, agentId));
  return row;
}
