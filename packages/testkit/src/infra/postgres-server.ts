import { type DockerDetector, dockerAvailable } from './docker.js';
import { chooseInfraSource, type InfraSource } from './infra-source.js';
import { startPostgresContainer } from './postgres-container.js';
import { startLocalPostgres } from './postgres-local.js';

/** The environment variable naming an existing Postgres server's admin URL to use instead of starting one. */
export const TEST_DATABASE_URL = 'TEST_DATABASE_URL';

/** A Postgres server for tests; create per-suite databases on it with `createTestDatabase`. */
export interface PostgresServer {
  /** A superuser URL to the server's maintenance database, e.g. `postgres://postgres@127.0.0.1:5432/postgres`. */
  adminUrl: string;
  source: InfraSource;
  /** Stops what was started (a no-op for an `env` server, which the caller owns). */
  stop(): Promise<void>;
}

/** Overrides for the environment and Docker probe (tests use them to make source selection deterministic). */
export interface StartPostgresServerOptions {
  /** Where `TEST_DATABASE_URL` is read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default: `dockerAvailable`. */
  detectDocker?: DockerDetector;
}

/**
 * A Postgres server from, in order: `TEST_DATABASE_URL`; a Testcontainers `postgres:16-alpine`
 * when a Docker engine answers; a private cluster started from the local PostgreSQL binaries.
 */
export async function startPostgresServer(options: StartPostgresServerOptions = {}): Promise<PostgresServer> {
  const envUrl = (options.env ?? process.env)[TEST_DATABASE_URL];
  const source = await chooseInfraSource(envUrl, options.detectDocker ?? dockerAvailable);
  switch (source) {
    case 'env':
      return { adminUrl: envUrl as string, source, stop: async () => {} };
    case 'testcontainers':
      return startPostgresContainer();
    case 'local-binaries':
      return startLocalPostgres();
  }
}
