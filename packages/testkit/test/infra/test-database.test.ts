import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/infra/index.js';
import { providedPostgresServer } from '../../src/vitest/index.js';
import { sharedMigrationsFolder } from '../support/paths.js';

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const insertEvent = (client: pg.Client, eventId: string) =>
  client.query(
    "insert into call_events (event_id, call_sid, type, at, payload) values ($1, 'CA1', 'call.started', now(), '{}')",
    [eventId],
  );

function adminUrl(): string {
  const shared = providedPostgresServer();
  if (shared === undefined) throw new Error('the testkit globalSetup did not provide a Postgres server');
  return shared.adminUrl;
}

describe('createTestDatabase', () => {
  const created: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((database) => database.drop()));
  });
  const create = async () => {
    const database = await createTestDatabase(adminUrl(), { migrationsFolder: sharedMigrationsFolder });
    created.push(database);
    return database;
  };

  it('creates t_<random> on the server and applies every drizzle migration', async () => {
    const database = await create();
    expect(database.name).toMatch(/^t_[0-9a-f]{12}$/);
    expect(new URL(database.url).pathname).toBe(`/${database.name}`);

    const journal = JSON.parse(readFileSync(join(sharedMigrationsFolder, 'meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    await withClient(database.url, async (client) => {
      const applied = await client.query('select count(*)::int as count from drizzle.__drizzle_migrations');
      expect(applied.rows[0].count).toBe(journal.entries.length);
      const tables = await client.query(
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['agent_profiles', 'call_events']),
      );
    });
  });

  it('gives each caller an isolated database', async () => {
    const [first, second] = await Promise.all([create(), create()]);
    expect(first.name).not.toBe(second.name);
    await withClient(first.url, (client) => insertEvent(client, 'only-in-first'));
    await withClient(second.url, async (client) => {
      const rows = await client.query('select event_id from call_events');
      expect(rows.rows).toEqual([]);
    });
    await withClient(first.url, async (client) => {
      const rows = await client.query('select event_id from call_events');
      expect(rows.rows).toEqual([{ event_id: 'only-in-first' }]);
    });
  });

  it('drop() removes the database even while a client is still connected to it', async () => {
    const database = await createTestDatabase(adminUrl(), { migrationsFolder: sharedMigrationsFolder });
    const forgotten = new pg.Client({ connectionString: database.url });
    const terminated = new Promise<Error>((resolve) => forgotten.on('error', resolve));
    await forgotten.connect();

    await database.drop();
    expect((await terminated).message).toMatch(/terminat/);
    await forgotten.end().catch(() => {});
    await withClient(adminUrl(), async (client) => {
      const rows = await client.query('select 1 from pg_database where datname = $1', [database.name]);
      expect(rows.rowCount).toBe(0);
    });
    await expect(withClient(database.url, async () => {})).rejects.toThrow(/does not exist/);
  });

  it('fails with the database and folder named when a migration cannot be applied', async () => {
    await expect(
      createTestDatabase(adminUrl(), { migrationsFolder: '/nonexistent/drizzle' }),
    ).rejects.toThrow(/could not migrate test database t_[0-9a-f]{12} from \/nonexistent\/drizzle/);
  });

  it('without migrations gives an empty database', async () => {
    const database = await createTestDatabase(adminUrl());
    created.push(database);
    await withClient(database.url, async (client) => {
      const tables = await client.query(
        "select 1 from information_schema.tables where table_schema = 'public'",
      );
      expect(tables.rowCount).toBe(0);
    });
  });
});
