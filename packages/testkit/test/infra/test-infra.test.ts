import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startTestInfra } from '../../src/infra/index.js';
import { providedPostgresServer } from '../../src/vitest/index.js';
import { noDockerHere, sharedMigrationsFolder } from '../support/paths.js';
import { serverOnPort } from '../support/processes.js';

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('startTestInfra', () => {
  it('without a shared server or TEST_* variables starts its own NATS and Postgres, and stop() ends both', async () => {
    // CI sets TEST_DATABASE_URL for the other suites; this one checks the fallback without it.
    const saved = { db: process.env.TEST_DATABASE_URL, nats: process.env.TEST_NATS_URL };
    delete process.env.TEST_DATABASE_URL;
    delete process.env.TEST_NATS_URL;
    try {
      const infra = await startTestInfra({ migrationsFolder: sharedMigrationsFolder });
      const expected = noDockerHere ? 'local-binaries' : 'testcontainers';
      expect(infra.postgres.source).toBe(expected);
      expect(infra.nats.source).toBe(expected);
      const pgPort = new URL(infra.postgres.adminUrl).port;
      const natsPort = new URL(infra.natsUrl).port;
      expect(await databaseExists(infra.postgres.adminUrl, infra.database.name)).toBe(true);
      const nc = await connect({ servers: infra.natsUrl });
      await nc.close();

      await infra.stop();
      if (noDockerHere) {
        expect(serverOnPort('postgres', pgPort)).toBeUndefined();
        expect(serverOnPort('nats-server', natsPort)).toBeUndefined();
      }
    } finally {
      if (saved.db !== undefined) process.env.TEST_DATABASE_URL = saved.db;
      if (saved.nats !== undefined) process.env.TEST_NATS_URL = saved.nats;
    }
  });

  it('on a shared server only creates and drops its database, and leaves the server running', async () => {
    const shared = providedPostgresServer();
    expect(shared).toBeDefined();
    const infra = await startTestInfra({
      nats: false,
      sharedPostgres: shared,
      migrationsFolder: sharedMigrationsFolder,
    });
    expect(infra.postgres).toMatchObject({ adminUrl: shared?.adminUrl, source: shared?.source });
    expect(() => infra.natsUrl).toThrow(/startTestInfra was called with nats: false/);
    expect(await databaseExists(infra.postgres.adminUrl, infra.database.name)).toBe(true);

    await infra.stop();
    expect(await databaseExists(infra.postgres.adminUrl, infra.database.name)).toBe(false);
  });
});
