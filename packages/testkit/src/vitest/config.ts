import { defineConfig, type ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;

/**
 * The test settings every workspace shares: forks (a suite's private servers die with its
 * process), bounds generous enough for a loaded 2-core machine, and the testkit's global setup
 * (one Postgres server per run; each suite its own database and NATS server). A workspace's
 * own options replace the shared ones of the same name.
 */
export function workspaceTestConfig(own: TestOptions = {}): ViteUserConfig {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 120_000,
      globalSetup: ['@voice/testkit/vitest/global-setup'],
      ...own,
    },
  });
}
