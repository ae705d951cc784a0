export { devDefault } from './dev-defaults.js';
export { instanceId } from './instance.js';
export { loadConfig } from './load.js';
export {
  baseConfigShape,
  boolVariable,
  databaseConfigShape,
  httpConfigShape,
  intVariable,
  LOCAL_DATABASE_URL,
  LOCAL_NATS_URL,
  mediaPathConfigShape,
  openaiConfigShape,
  publicUrlConfigShape,
  twilioConfigShape,
} from './schemas.js';
