import { workspaceTestConfig } from './src/vitest/config.js';

// Source, not dist: the testkit tests its own globalSetup without a build step.
export default workspaceTestConfig({ globalSetup: ['./src/vitest/global-setup.ts'] });
