import type { DatabaseHandle } from '@voice/shared/db';
import { sql } from 'drizzle-orm';

/** What the gateway's fallback TwiML says when a call cannot go on (`CALLER_MESSAGES.bridgeFailed`). */
export const FALLBACK_APOLOGY =
  'Sorry, we are having trouble continuing this call. Please call again later. Goodbye.';

export interface TestAgent {
  id: string;
  phoneNumber: string;
  voice: string;
}

/**
 * Writes an agent profile row straight into the table, as a hand edit or an old writer would:
 * around the product's profile check, so the check the bridge makes itself is what is tested.
 */
export async function insertAgentRow(database: DatabaseHandle, agent: TestAgent): Promise<void> {
  await database.db.execute(
    sql`insert into agent_profiles (id, phone_number, name, instructions, voice, greeting)
        values (${agent.id}, ${agent.phoneNumber}, ${`Agent ${agent.id}`},
                ${'You answer the phone for a test business. Be brief.'}, ${agent.voice},
                ${'Hello, you reached the test desk.'})`,
  );
}
