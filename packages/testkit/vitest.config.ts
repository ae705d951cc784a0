import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Source, not dist: the testkit tests its own globalSetup without a build step.
    globalSetup: ['./src/vitest/global-setup.ts'],
  },
});
