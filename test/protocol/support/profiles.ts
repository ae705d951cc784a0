import { agentProfiles, type DatabaseHandle } from '@voice/shared/db';

/** An agent profile as a test writes it: what differs from the defaults. */
export type TestProfile = typeof agentProfiles.$inferInsert;

/**
 * Writes an agent profile for a test (a fictional 555-01xx number of its own, so the demo
 * agent is left as it is); a call to `profile.phoneNumber` is answered by it.
 */
export async function writeProfile(database: DatabaseHandle, profile: TestProfile): Promise<void> {
  await database.db
    .insert(agentProfiles)
    .values(profile)
    .onConflictDoUpdate({ target: agentProfiles.id, set: profile });
}
