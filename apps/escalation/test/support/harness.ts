import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type EscalationRequested, escalationRequestedSchema, subjects } from '@voice/shared/contracts';
import { createDatabase, type Database, type DatabaseHandle } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import {
  CONSUMERS,
  connectNats,
  ensureStreams,
  JetStreamOutbox,
  type NatsConnection,
  publishContract,
} from '@voice/shared/nats';
import { createHttpServer } from '@voice/shared/service';
import { createMetricsRegistry, type Registry } from '@voice/shared/telemetry';
import type { FastifyInstance } from 'fastify';
import { buildEscalationApp, type EscalationApp, type EscalationAppConfig } from '../../src/app.js';
import type { RequestHandler } from '../../src/intake/handle-request.js';
import { StatusWatch } from './status-watch.js';
import { transferQuestions } from './transfers.js';
import { waitUntil } from './wait.js';

export const PUBLIC_BASE_URL = 'https://escalation.example.test';

export const TEST_CONFIG: EscalationAppConfig = {
  ESCALATION_PUBLIC_BASE_URL: PUBLIC_BASE_URL,
  CALL_CONTROL_TIMEOUT_MS: 5_000,
  CONSOLE_SESSION_SECRET: 'test-console-session-secret-0123456789abcdef',
  CONSOLE_SESSION_HOURS: 1,
  DIAL_TIMEOUT_SECONDS: 20,
  CALLBACK_ETA_MINUTES: 15,
  INTAKE_MAX_BACKOFF_MS: 1_000,
  INTAKE_CONCURRENCY: 4,
  // No media-bridge here to say the hand-off line was heard: tests of that wait set a bound.
  ANNOUNCEMENT_WAIT_MS: 0,
};

export interface HarnessOptions {
  natsUrl: string;
  databaseUrl: string;
  config?: Partial<EscalationAppConfig>;
  /** Wraps the real intake handler (crash injection). */
  handler?: (real: RequestHandler) => RequestHandler;
  /** Listen on a real port (browser and proxy tests); otherwise use `http.inject`. */
  listen?: boolean;
}

/** The escalation app wired as `main.ts` wires it, on a suite's NATS and Postgres; a fake ingress takes its commands. */
export interface Harness {
  app: EscalationApp;
  http: FastifyInstance;
  db: Database;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  registry: Registry;
  statuses: StatusWatch;
  /** The questions the ingress asks about a transfer (the human answered, the dial ended, a hold poll). */
  questions: ReturnType<typeof transferQuestions>;
  /** `http://127.0.0.1:port` when listening. */
  url: string;
  publish(request: EscalationRequested, msgId?: string): Promise<{ duplicate: boolean }>;
  /** Resolves once every request delivered so far has been acknowledged. */
  intakeSettled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  // TEST_LOG_LEVEL=debug shows the app's log lines while debugging a test.
  const logger = createLogger({ service: 'escalation', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const nc = await connectNats({ url: options.natsUrl, name: 'escalation-test', logger });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const js = jetstream(nc);
  const database: DatabaseHandle = createDatabase({ url: options.databaseUrl, max: 10, onError: () => {} });
  const registry = createMetricsRegistry('escalation');
  const http = createHttpServer({ logger });
  const outboxRoot = mkdtempSync(join(tmpdir(), 'escalation-outbox-'));
  const app = await buildEscalationApp({
    http,
    db: database.db,
    nc,
    outbox: new JetStreamOutbox({ js, logger, root: outboxRoot, service: 'escalation' }),
    config: { ...TEST_CONFIG, ...options.config },
    logger,
    registry,
  });
  let url = '';
  if (options.listen) {
    await http.listen({ port: 0, host: '127.0.0.1' });
    const address = http.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await http.ready();
  }
  const statuses = new StatusWatch(nc);
  await app.start(options.handler?.(app.handleRequest));

  return {
    app,
    http,
    db: database.db,
    nc,
    js,
    jsm,
    registry,
    statuses,
    questions: transferQuestions(nc),
    url,
    publish: (request, msgId = request.escalationId) =>
      publishContract(js, subjects.escalationRequested, escalationRequestedSchema, request, msgId),
    async intakeSettled() {
      const { stream, durable } = CONSUMERS.escalationIntake;
      await waitUntil('the intake to acknowledge every request', async () => {
        const info = await jsm.consumers.info(stream, durable);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
    },
    async stop() {
      for (const step of app.shutdownSteps()) await step.run();
      rmSync(outboxRoot, { recursive: true, force: true });
      statuses.stop();
      await http.close();
      await nc.drain();
      await database.close();
    },
  };
}

/** A labelled counter's value on the registry (0 when never incremented). */
export async function counterValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return sample?.value ?? 0;
}
