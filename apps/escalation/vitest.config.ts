import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One Postgres server for the run; every suite gets its own database and NATS server on it.
    globalSetup: ['@voice/testkit/vitest/global-setup'],
  },
});
