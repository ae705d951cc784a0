import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The system suites start many real processes; one file at a time keeps a 2-core machine honest.
    fileParallelism: false,
    globalSetup: ['@voice/testkit/vitest/global-setup'],
  },
});
