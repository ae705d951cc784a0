import formbody from '@fastify/formbody';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Database } from '@voice/shared/db';
import { describeError } from '@voice/shared/errors';
import type { Logger } from '@voice/shared/logging';
import {
  type JetStreamOutbox,
  type NatsConnection,
  type ReplyServer,
  requestCallControl,
} from '@voice/shared/nats';
import type { Registry, ShutdownStep } from '@voice/shared/telemetry';
import type { FastifyInstance } from 'fastify';
import type { EscalationConfig } from './config.js';
import { createConsoleActions } from './console/actions.js';
import { createConsoleAuth } from './console/auth.js';
import { registerConsoleRoutes } from './console/routes.js';
import { createSessionCodec } from './console/session.js';
import { createConsoleEventHub, subscribeConsoleFeed } from './console/sse.js';
import { createCallerMessages } from './domain/caller-messages.js';
import { startIntakeConsumer } from './intake/consumer.js';
import { createRequestHandler, type RequestHandler } from './intake/handle-request.js';
import { createEscalationMetrics, type EscalationMetrics } from './metrics.js';
import { createNatsAnnouncements } from './routing/announcement.js';
import type { CallControlPort, HandoffContext } from './routing/context.js';
import { createQueueServer, type QueueServer } from './routing/queue-server.js';
import { releaseStaleDials } from './routing/stale-dials.js';
import { createStatusPublisher } from './status/publisher.js';
import { serveTransferOutcomes } from './transfer/outcome-server.js';

/** The settings the app reads (all from `EscalationConfig`). */
export type EscalationAppConfig = Pick<
  EscalationConfig,
  | 'ESCALATION_PUBLIC_BASE_URL'
  | 'CALL_CONTROL_TIMEOUT_MS'
  | 'CONSOLE_SESSION_SECRET'
  | 'CONSOLE_SESSION_HOURS'
  | 'DIAL_TIMEOUT_SECONDS'
  | 'CALLBACK_ETA_MINUTES'
  | 'INTAKE_MAX_BACKOFF_MS'
  | 'INTAKE_CONCURRENCY'
  | 'ANNOUNCEMENT_WAIT_MS'
>;

/** The connections and settings the app is built on; tests pass real ones or fakes alike. */
export interface EscalationAppDeps {
  /** The service's HTTP server (ops routes are already on it); the console's routes are added. */
  http: FastifyInstance;
  db: Database;
  nc: NatsConnection;
  /** Where status changes go; the app flushes and closes it on shutdown. */
  outbox: JetStreamOutbox;
  /** Default: call-control commands over `nc` (`requestCallControl`). */
  callControl?: CallControlPort;
  config: EscalationAppConfig;
  logger: Logger;
  registry: Registry;
  now?: () => Date;
}

/** The wired service: what `main` starts and stops. */
export interface EscalationApp {
  /** Applies one escalation request (what the intake consumer runs for each message). */
  handleRequest: RequestHandler;
  /** Starts the durable intake (with `handleRequest` unless given another) and the consoles' live feed. */
  start(handler?: RequestHandler): Promise<void>;
  /** Stop intake, close live streams, finish queue work, flush status messages: in this order. */
  shutdownSteps(): ShutdownStep[];
  /** Frees humans from transfers the ingress never reported on (runs on a timer once started). */
  releaseStaleDials(): Promise<number>;
  queueServer: QueueServer;
  metrics: EscalationMetrics;
}

const MS_PER_HOUR = 3_600_000;
const OUTBOX_FLUSH_MS = 5_000;
const STALE_DIAL_SWEEP_MS = 30_000;

/** Wires the escalation service onto its connections. Nothing listens until `main` says so. */
export async function buildEscalationApp(deps: EscalationAppDeps): Promise<EscalationApp> {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = createEscalationMetrics(deps.registry);
  const { outbox } = deps;
  const ctx: HandoffContext = {
    db: deps.db,
    callControl: deps.callControl ?? {
      send: (callSid, command) =>
        requestCallControl(deps.nc, callSid, command, config.CALL_CONTROL_TIMEOUT_MS),
    },
    announcements: createNatsAnnouncements(deps.nc, await jetstreamManager(deps.nc), logger),
    publisher: createStatusPublisher({
      outbox,
      logger,
      now,
      onChange: (status) => metrics.statusChanges.inc({ status }),
    }),
    messages: createCallerMessages({ callbackEtaMinutes: config.CALLBACK_ETA_MINUTES }),
    settings: {
      dialTimeoutSeconds: config.DIAL_TIMEOUT_SECONDS,
      callbackEtaMinutes: config.CALLBACK_ETA_MINUTES,
      announcementWaitMs: config.ANNOUNCEMENT_WAIT_MS,
    },
    logger,
    now,
  };
  const queueServer = createQueueServer(ctx);
  const handleRequest = createRequestHandler({ ctx, metrics, maxBackoffMs: config.INTAKE_MAX_BACKOFF_MS });
  const hub = createConsoleEventHub({ onSizeChange: (size) => metrics.consoleSseClients.set(size) });
  const sessionTtlMs = config.CONSOLE_SESSION_HOURS * MS_PER_HOUR;

  await deps.http.register(formbody);
  await registerConsoleRoutes(deps.http, {
    ctx,
    auth: createConsoleAuth({
      db: deps.db,
      sessions: createSessionCodec({ secret: config.CONSOLE_SESSION_SECRET, ttlMs: sessionTtlMs }),
      secureCookies: config.ESCALATION_PUBLIC_BASE_URL.startsWith('https:'),
      sessionTtlMs,
    }),
    actions: createConsoleActions(ctx, queueServer),
    hub,
  });

  let intake: { stop(): Promise<void> } | undefined;
  let feed: { unsubscribe(): void } | undefined;
  let outcomes: ReplyServer | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => releaseStaleDials(ctx, queueServer);

  return {
    handleRequest,
    queueServer,
    metrics,
    releaseStaleDials: sweep,
    async start(handler = handleRequest) {
      feed = subscribeConsoleFeed(deps.nc, hub, logger);
      outcomes = serveTransferOutcomes(deps.nc, ctx, queueServer);
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) =>
          logger.error({ err: describeError(error) }, 'releasing stale transfers failed'),
        );
      }, STALE_DIAL_SWEEP_MS);
      sweeper.unref();
      intake = startIntakeConsumer({
        js: jetstream(deps.nc),
        jsm: await jetstreamManager(deps.nc),
        handle: handler,
        concurrency: config.INTAKE_CONCURRENCY,
        logger,
        metrics,
      });
    },
    shutdownSteps: () => [
      { name: 'stop escalation intake', run: () => intake?.stop() },
      // Another instance (or the ingress' polite fallback) answers the transfers' questions from here on.
      { name: 'stop transfer outcomes', run: () => outcomes?.stop() },
      { name: 'stop stale transfer sweeps', run: () => clearInterval(sweeper) },
      {
        name: 'close console streams',
        run: () => {
          feed?.unsubscribe();
          hub.closeAll();
        },
      },
      { name: 'finish queue work', run: () => queueServer.idle() },
      {
        name: 'flush escalation statuses',
        run: async () => {
          const left = await outbox.flush(OUTBOX_FLUSH_MS);
          outbox.close();
          if (left > 0) throw new Error(`${left} escalation status messages were not published`);
        },
      },
    ],
  };
}
