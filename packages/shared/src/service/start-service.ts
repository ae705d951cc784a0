import { jetstreamManager } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { instanceId } from '../config/index.js';
import { createDatabase, type DatabaseHandle } from '../db/index.js';
import { createLogger, type Logger } from '../logging/index.js';
import { connectNats, ensureStreams, type NatsConnection, natsReady } from '../nats/index.js';
import {
  createMetricsRegistry,
  installShutdown,
  type ReadinessCheck,
  type Registry,
  registerOpsRoutes,
  type ShutdownStep,
} from '../telemetry/index.js';
import { createHttpServer } from './http.js';

/** The configuration every service shares (see `baseConfigShape` and friends). */
export interface ServiceBaseConfig {
  LOG_LEVEL: string;
  LOG_SENSITIVE: boolean;
  NATS_URL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  INSTANCE_ID?: string | undefined;
  PORT: number;
  HOST: string;
  DATABASE_URL?: string;
  DATABASE_POOL_MAX?: number;
}

export interface StartServiceOptions {
  service: string;
  config: ServiceBaseConfig;
  /** Secret values to scrub from every log line. */
  secrets?: readonly (string | undefined)[];
  /** Open a Postgres pool (needs `DATABASE_URL`). */
  database?: boolean;
  /** Create or update the JetStream streams at start-up. */
  jetstream?: boolean;
  bodyLimit?: number;
}

export interface ServiceRuntime {
  instance: string;
  logger: Logger;
  nc: NatsConnection;
  /** Present when `database: true`. */
  database: DatabaseHandle | undefined;
  registry: Registry;
  http: FastifyInstance;
  /** Adds a named readiness check to `/readyz` (NATS, and Postgres when opened, are there already). */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  isDraining(): boolean;
  /** Starts listening; returns the bound port (useful with `PORT=0`). */
  listen(): Promise<number>;
  /**
   * Installs the SIGTERM/SIGINT handler. Order: readiness fails (draining), then `steps`
   * (stop intake, finish work), then HTTP, NATS (drained) and Postgres close.
   */
  onShutdown(steps: ShutdownStep[]): (reason: string) => Promise<void>;
}

/**
 * The plumbing every service starts with: logger, NATS (endless reconnect), optional
 * Postgres, metrics, and an HTTP server with `/healthz`, `/readyz` and `/metrics`.
 * An app's `main.ts` calls this, then wires its own capability onto the handles.
 */
export async function startService(options: StartServiceOptions): Promise<ServiceRuntime> {
  const { config, service } = options;
  const instance = instanceId(service, config.INSTANCE_ID);
  const logger = createLogger({
    service,
    level: config.LOG_LEVEL,
    sensitive: config.LOG_SENSITIVE,
    secrets: options.secrets ?? [],
    base: { instance },
  });

  const nc = await connectNats({ url: config.NATS_URL, name: instance, logger });
  if (options.jetstream) await ensureStreams(await jetstreamManager(nc));

  let database: DatabaseHandle | undefined;
  if (options.database) {
    if (!config.DATABASE_URL)
      throw new Error('startService: database requested but DATABASE_URL is not configured');
    database = createDatabase({
      url: config.DATABASE_URL,
      max: config.DATABASE_POOL_MAX ?? 10,
      applicationName: instance,
      onError: (err) => logger.error({ err }, 'postgres pool error'),
    });
  }

  const registry = createMetricsRegistry(service);
  const http = createHttpServer({ logger, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) });
  const readiness: Record<string, ReadinessCheck> = { nats: () => natsReady(nc) };
  if (database) {
    const db = database;
    readiness.postgres = () => db.ping();
  }
  let draining = false;
  registerOpsRoutes(http, { registry, readiness, isDraining: () => draining });

  return {
    instance,
    logger,
    nc,
    database,
    registry,
    http,
    addReadinessCheck: (name, check) => {
      readiness[name] = check;
    },
    isDraining: () => draining,
    async listen() {
      await http.listen({ port: config.PORT, host: config.HOST });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      logger.info({ port }, 'listening');
      return port;
    },
    onShutdown(steps) {
      return installShutdown({
        logger,
        timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        steps: [
          {
            name: 'fail readiness',
            run: () => {
              draining = true;
            },
          },
          ...steps,
          { name: 'close http', run: () => http.close() },
          { name: 'drain nats', run: () => nc.drain() },
          ...(database ? [{ name: 'close postgres', run: () => database?.close() }] : []),
        ],
      });
    },
  };
}
