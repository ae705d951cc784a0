import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.js';

export type Database = NodePgDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  /** Whether Postgres answers right now (for `/readyz`). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  url: string;
  max?: number;
  /** Name shown in `pg_stat_activity`. */
  applicationName?: string;
  /** Called for pool-level errors (an idle client lost its connection); they must not crash the app. */
  onError?: (error: Error) => void;
}

/** A pooled drizzle client. Pool errors are reported, never thrown into the event loop. */
export function createDatabase(options: CreateDatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onError?.(error));
  const db = drizzle({ client: pool, schema });
  return {
    db,
    pool,
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
