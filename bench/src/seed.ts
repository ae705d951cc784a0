import { agentProfiles, createDatabase, DEMO_AGENT_ID, seedDemoData } from '@voice/shared/db';

/**
 * Seeds the demo agent, caller and slots (the tools look the caller up by number) and returns
 * the agent's greeting, which the bare relay says too.
 */
export async function seedAndReadGreeting(databaseUrl: string): Promise<string> {
  const database = createDatabase({ url: databaseUrl, max: 2 });
  try {
    await seedDemoData(database.db);
    const profiles = await database.db.select().from(agentProfiles);
    const greeting = profiles.find((profile) => profile.id === DEMO_AGENT_ID)?.greeting;
    if (!greeting) throw new Error(`the seeded agent ${DEMO_AGENT_ID} has no greeting`);
    return greeting;
  } finally {
    await database.close();
  }
}
