import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { providedPostgresServer, useTestInfra } from '../../src/vitest/index.js';
import { sharedMigrationsFolder } from '../support/paths.js';

const infra = useTestInfra({ migrationsFolder: sharedMigrationsFolder });

// Read while the suite is collected, before beforeAll has run: must fail loudly, not return undefined.
let earlyReadError: unknown;
try {
  void infra.databaseUrl;
} catch (error) {
  earlyReadError = error;
}

describe('useTestInfra', () => {
  it('throws a clear error when read before its beforeAll ran', () => {
    expect((earlyReadError as Error).message).toMatch(/useTestInfra\(\): the infrastructure is not running/);
  });

  it('creates the suite database on the Postgres server the globalSetup provided', async () => {
    const shared = inject('testPostgresServer');
    expect(shared?.adminUrl).toMatch(/^postgres:\/\//);
    expect(providedPostgresServer()).toEqual(shared);
    expect(infra.postgres.adminUrl).toBe(shared?.adminUrl);
    expect(infra.postgres.source).toBe(shared?.source);

    const client = new pg.Client({ connectionString: infra.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        'select current_database() as name, count(*)::int as events from call_events',
      );
      expect(rows).toEqual([{ name: infra.database.name, events: 0 }]);
    } finally {
      await client.end();
    }
  });

  it('gives the suite a NATS server with JetStream', async () => {
    expect(infra.natsUrl).toBe(infra.nats.url);
    const nc = await connect({ servers: infra.natsUrl });
    // Unique and deleted afterwards: with TEST_NATS_URL the server is shared and outlives the suite.
    const stream = `SUITE_${process.pid}_${Date.now()}`;
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.Memory });
      const ack = await jetstream(nc).publish(`${stream}.hello`, 'hi');
      expect(ack).toMatchObject({ stream, seq: 1 });
    } finally {
      await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
    }
  });
});
