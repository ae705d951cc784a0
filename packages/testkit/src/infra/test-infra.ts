import { type NatsServer, startNatsServer } from './nats-server.js';
import { type PostgresServer, startPostgresServer } from './postgres-server.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A Postgres server someone else started and will stop (e.g. the vitest globalSetup's). */
export type SharedPostgresServer = Pick<PostgresServer, 'adminUrl' | 'source'>;

/** What one test suite needs. */
export interface StartTestInfraOptions {
  /** Drizzle migrations applied to the suite's database; omitted → an empty database. */
  migrationsFolder?: string;
  /** Start a NATS server (JetStream on) of the suite's own. Default true. */
  nats?: boolean;
  /** Create a database of the suite's own. Default true. */
  postgres?: boolean;
  /** Create the database on this server instead of starting one; it is left running on stop(). */
  sharedPostgres?: SharedPostgresServer;
}

/** One suite's infrastructure. Reading a part that was disabled in the options throws. */
export interface TestInfra {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly nats: NatsServer;
  readonly postgres: PostgresServer;
  readonly database: TestDatabase;
  /** Drops the database and stops every server this call started; reports every failure. */
  stop(): Promise<void>;
}

const STARTUP_FAILED = 'starting the test infrastructure failed, and so did cleaning up after it';

/**
 * A suite's own NATS server and freshly migrated database. The Postgres server is the shared
 * one when given (one cluster per test run is far cheaper than one per suite), else its own.
 */
export async function startTestInfra(options: StartTestInfraOptions = {}): Promise<TestInfra> {
  const [natsResult, postgresResult] = await Promise.allSettled([
    options.nats === false ? undefined : startNatsServer(),
    options.postgres === false ? undefined : obtainPostgres(options.sharedPostgres),
  ]);
  const nats = natsResult.status === 'fulfilled' ? natsResult.value : undefined;
  const postgres = postgresResult.status === 'fulfilled' ? postgresResult.value : undefined;
  const stopServers = () => failuresOf([nats?.stop, postgres?.stop]);

  for (const result of [natsResult, postgresResult]) {
    if (result.status === 'rejected') throwAll([result.reason, ...(await stopServers())], STARTUP_FAILED);
  }
  let database: TestDatabase | undefined;
  if (postgres !== undefined) {
    try {
      database = await createTestDatabase(postgres.adminUrl, { migrationsFolder: options.migrationsFolder });
    } catch (error) {
      throwAll([error, ...(await stopServers())], STARTUP_FAILED);
    }
  }

  return {
    get natsUrl() {
      return enabled(nats, 'nats').url;
    },
    get databaseUrl() {
      return enabled(database, 'postgres').url;
    },
    get nats() {
      return enabled(nats, 'nats');
    },
    get postgres() {
      return enabled(postgres, 'postgres');
    },
    get database() {
      return enabled(database, 'postgres');
    },
    async stop() {
      // The database goes first: dropping it needs its server.
      const dropFailures = await failuresOf([database?.drop]);
      throwAll([...dropFailures, ...(await stopServers())], 'stopping the test infrastructure failed');
    },
  };
}

function obtainPostgres(shared: SharedPostgresServer | undefined): Promise<PostgresServer> {
  if (shared === undefined) return startPostgresServer();
  return Promise.resolve({ ...shared, stop: async () => {} });
}

function enabled<T>(part: T | undefined, option: 'nats' | 'postgres'): T {
  if (part === undefined) {
    throw new Error(`startTestInfra was called with ${option}: false, so there is no ${option} to read`);
  }
  return part;
}

/** Runs every stopper even when some fail (a failed stop must not leak the other servers). */
async function failuresOf(stoppers: ReadonlyArray<(() => Promise<void>) | undefined>): Promise<unknown[]> {
  const results = await Promise.allSettled(stoppers.map((stop) => stop?.()));
  return results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
}

/** Throws a single error as is, several together. */
function throwAll(errors: unknown[], message: string): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, message);
}
