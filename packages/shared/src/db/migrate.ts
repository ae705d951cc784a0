import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** The committed SQL migrations, shipped with this package. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Creates the database named in `url` when it does not exist yet (a fresh machine). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${name.replaceAll('"', '""')}"`);
      } catch (error) {
        // Two processes migrating at once: the other one created it.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Brings a database to the latest schema: creates it if missing, then applies the committed
 * migrations (idempotent; drizzle records what ran in `drizzle.__drizzle_migrations`).
 */
export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabaseExists(url);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    // Serialises concurrent migrators (every app may run this at start-up).
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock(4242001)');
      await migrate(drizzle({ client }), { migrationsFolder });
      await client.query('select pg_advisory_unlock(4242001)');
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}
