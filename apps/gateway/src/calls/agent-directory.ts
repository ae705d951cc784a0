import { agentProfiles, type Database } from '@voice/shared/db';
import { eq } from 'drizzle-orm';

/** Which agent profile answers a dialled number: the webhook's one database read. */
export interface AgentDirectory {
  /** The agent profile answering this dialled number, if any. */
  findAgentForNumber(phoneNumber: string): Promise<string | undefined>;
}

/** `AgentDirectory` on the `agent_profiles` table, read on every call (profiles change without a restart). */
export function createDrizzleAgentDirectory(db: Database): AgentDirectory {
  return {
    async findAgentForNumber(phoneNumber) {
      const [row] = await db
        .select({ id: agentProfiles.id })
        .from(agentProfiles)
        .where(eq(agentProfiles.phoneNumber, phoneNumber))
        .limit(1);
      return row?.id;
    },
  };
}
