import type { TestProject } from 'vitest/node';
import { startPostgresServer } from '../infra/postgres-server.js';
import { PROVIDED_POSTGRES_KEY } from './provided-context.js';

/**
 * Vitest globalSetup: one Postgres server for the whole run (by the usual order: TEST_DATABASE_URL,
 * Testcontainers, local binaries), handed to every worker with `provide`; each suite then only
 * creates its own database on it. The returned teardown stops the server after the last suite.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide(PROVIDED_POSTGRES_KEY, { adminUrl: server.adminUrl, source: server.source });
  return () => server.stop();
}
