import { type AgentProfile, agentProfiles, type Database } from '@voice/shared/db';
import { eq } from 'drizzle-orm';

/** Where a claimed call's agent profile comes from. */
export interface AgentProfileStore {
  find(agentId: string): Promise<AgentProfile | undefined>;
}

/** Profiles read from Postgres at claim time, so an edited profile applies to the next call. */
export function createAgentProfileStore(db: Database): AgentProfileStore {
  return {
    async find(agentId) {
      const [profile] = await db.select().from(agentProfiles).where(eq(agentProfiles.id, agentId)).limit(1);
      return profile;
    },
  };
}
