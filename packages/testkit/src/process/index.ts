export { freePort } from './free-port.js';
export type { LineMatcher } from './line-log.js';
export { LogFiles } from './log-files.js';
export { type CommandLine, withParentDeathSignal } from './parent-death.js';
export {
  describeExit,
  type ManagedProcess,
  type ProcessExit,
  type StartProcessOptions,
  startProcess,
} from './start-process.js';
