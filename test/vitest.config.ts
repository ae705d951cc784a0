import { workspaceTestConfig } from '@voice/testkit/vitest/config';

export default workspaceTestConfig({
  include: ['**/*.test.ts'],
  exclude: ['node_modules/**'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // The system suites start many real processes; one file at a time keeps a 2-core machine honest.
  fileParallelism: false,
});
