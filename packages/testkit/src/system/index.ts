export {
  ALL_APPS,
  type AppName,
  type RunningApp,
  type RunningSystem,
  type StartSystemOptions,
  type SystemSecrets,
  startSystem,
  TEST_SECRETS,
} from './start-system.js';
