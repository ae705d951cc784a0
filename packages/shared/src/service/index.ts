export { createHttpServer, type HttpServerOptions } from './http.js';
export { runMain } from './run-main.js';
export {
  type ServiceBaseConfig,
  type ServiceRuntime,
  type StartServiceOptions,
  startService,
} from './start-service.js';
