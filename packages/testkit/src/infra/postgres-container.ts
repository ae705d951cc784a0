import { PostgreSqlContainer } from '@testcontainers/postgresql';
import type { PostgresServer } from './postgres-server.js';

const POSTGRES_IMAGE = 'postgres:16-alpine';

/** A throwaway Postgres container; its user is a superuser, so it can create test databases. */
export async function startPostgresContainer(): Promise<PostgresServer> {
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE).start().catch((error: unknown) => {
    throw new Error(`Testcontainers could not start ${POSTGRES_IMAGE}: ${(error as Error).message}`, {
      cause: error,
    });
  });
  return {
    adminUrl: container.getConnectionUri(),
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}
