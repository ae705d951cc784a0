export {
  Counter,
  createMetricsRegistry,
  Gauge,
  Histogram,
  LATENCY_BUCKETS_MS,
  Registry,
  Summary,
} from './metrics.js';
export { type OpsRoutesOptions, type ReadinessCheck, registerOpsRoutes } from './ops-routes.js';
export { installShutdown, type ShutdownOptions, type ShutdownStep } from './shutdown.js';
