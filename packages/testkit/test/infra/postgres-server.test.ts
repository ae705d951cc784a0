import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { startPostgresServer } from '../../src/infra/index.js';
import { useEnv } from '../support/env.js';
import { SYSTEM_POSTGRES_URL } from '../support/paths.js';
import { argumentAfter, serverOnPort } from '../support/processes.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgresServer', () => {
  const setEnv = useEnv();

  it('uses TEST_DATABASE_URL as is, without probing Docker, and leaves that server running on stop()', async () => {
    setEnv('TEST_DATABASE_URL', SYSTEM_POSTGRES_URL);
    const detectDocker = vi.fn(async () => true);
    const server = await startPostgresServer({ detectDocker });
    expect(server).toMatchObject({ adminUrl: SYSTEM_POSTGRES_URL, source: 'env' });
    expect(detectDocker).not.toHaveBeenCalled();
    await server.stop();
    expect(await query<{ one: number }>(server.adminUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('starts a private cluster from the local binaries when there is no URL and no Docker, and removes it on stop()', async () => {
    setEnv('TEST_DATABASE_URL', undefined);
    const server = await startPostgresServer({ detectDocker: async () => false });
    expect(server.source).toBe('local-binaries');
    const port = new URL(server.adminUrl).port;
    expect(port).not.toBe('5432');

    const [settings] = await query<{ fsync: string; user: string; server_version_num: string }>(
      server.adminUrl,
      "select current_setting('fsync') as fsync, current_user as user, current_setting('server_version_num') as server_version_num",
    );
    expect(settings).toMatchObject({ fsync: 'off', user: 'postgres' });
    expect(Number(settings?.server_version_num)).toBeGreaterThanOrEqual(150_000);

    const socketDir = argumentAfter(serverOnPort('postgres', port), '-k');
    expect(existsSync(socketDir)).toBe(true);
    expect(basename(socketDir)).toMatch(new RegExp(`^testkit-pg-${process.pid}-`));

    await server.stop();
    expect(serverOnPort('postgres', port)).toBeUndefined();
    expect(existsSync(socketDir)).toBe(false);
    await expect(query(server.adminUrl, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
