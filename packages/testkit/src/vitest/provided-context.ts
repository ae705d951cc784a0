import type { SharedPostgresServer } from '../infra/test-infra.js';

/** The key under which the globalSetup hands its Postgres server to the test workers. */
export const PROVIDED_POSTGRES_KEY = 'testPostgresServer';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Postgres server the testkit globalSetup started (or found) for this test run. */
    [PROVIDED_POSTGRES_KEY]?: SharedPostgresServer;
  }
}
