import { LOCAL_DATABASE_URL } from '../../config/index.js';
import { migrateDatabase } from '../migrate.js';

const url = process.env.DATABASE_URL || LOCAL_DATABASE_URL;
try {
  await migrateDatabase(url);
  console.log(`migrated ${new URL(url).pathname.slice(1)} on ${new URL(url).host}`);
} catch (error) {
  console.error('migration failed:', (error as Error).message);
  process.exitCode = 1;
}
