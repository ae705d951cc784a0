import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** A database of its own for one test suite, on a shared server. */
export interface TestDatabase {
  /** Connection URL of this database (same server and user as the admin URL). */
  url: string;
  /** e.g. `t_3f9a1c0b2d4e`. */
  name: string;
  /** Disconnects whoever is still connected and drops the database. */
  drop(): Promise<void>;
}

/** How to prepare a test database. */
export interface CreateTestDatabaseOptions {
  /** A drizzle migrations folder (SQL files + `meta/_journal.json`) to apply; omitted → an empty database. */
  migrationsFolder?: string;
}

/**
 * Creates `t_<random>` on the server behind `adminUrl` and applies the drizzle migrations, so
 * each suite starts from the real schema and sees no other suite's rows.
 */
export async function createTestDatabase(
  adminUrl: string,
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(adminUrl, name);
  await withAdminClient(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`)).catch(
    (error: unknown) => {
      throw new Error(
        `could not create test database ${name} on ${redact(adminUrl)}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    },
  );
  const drop = () => dropDatabase(adminUrl, name);
  if (options.migrationsFolder !== undefined) {
    try {
      await applyMigrations(url, options.migrationsFolder);
    } catch (error) {
      await drop();
      throw new Error(
        `could not migrate test database ${name} from ${options.migrationsFolder}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return { url, name, drop };
}

async function applyMigrations(url: string, migrationsFolder: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder });
  } finally {
    await pool.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, async (admin) => {
    // Pools a test forgot to close would otherwise make DROP DATABASE fail.
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    // FORCE also covers a connection that arrives between the terminate and the drop.
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }).catch((error: unknown) => {
    throw new Error(
      `could not drop test database ${name} on ${redact(adminUrl)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  });
}

async function withAdminClient<T>(adminUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The URL without its password, for error messages. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
