import { LOCAL_DATABASE_URL } from '../../config/index.js';
import { createDatabase } from '../client.js';
import { migrateDatabase } from '../migrate.js';
import { DEMO_AGENT_NUMBER, seedDemoData } from '../seed.js';

const url = process.env.DATABASE_URL || LOCAL_DATABASE_URL;
const handle = createDatabase({ url, max: 2 });
try {
  await migrateDatabase(url);
  await seedDemoData(handle.db);
  console.log(`seeded demo data: agent "Riley" answers ${DEMO_AGENT_NUMBER}`);
} catch (error) {
  console.error('seed failed:', (error as Error).message);
  process.exitCode = 1;
} finally {
  await handle.close();
}
