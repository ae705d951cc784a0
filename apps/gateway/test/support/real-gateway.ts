import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecorder } from '@voice/recorder/recorder';
import { agentProfiles, createDatabase, type DatabaseHandle } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import {
  CONSUMERS,
  connectNats,
  createTurnPublisher,
  ensureStreams,
  JetStreamOutbox,
  jetstream,
  jetstreamManager,
  KV_BUCKETS,
  type NatsConnection,
  openKvBucket,
} from '@voice/shared/nats';
import { createHttpServer } from '@voice/shared/service';
import { Registry } from '@voice/shared/telemetry';
import { createCallControl, createTwilioClient } from '@voice/shared/twilio';
import {
  FakeTwilioRestApi,
  type PlaceCallOptions,
  placeCall,
  type SimulatedCall,
} from '@voice/testkit/twilio';
import type { TestInfraHandle } from '@voice/testkit/vitest';
import { vi } from 'vitest';
import { buildGatewayApp, type GatewayApp } from '../../src/app.js';
import { createDrizzleAgentDirectory } from '../../src/calls/agent-directory.js';
import { createOutboxEventSink } from '../../src/calls/call-events.js';
import { createNatsCallStreams } from '../../src/calls/nats-call-streams.js';
import { createNatsAnswerLedger } from '../../src/claims/nats-answer-ledger.js';
import { createNatsMediaBus } from '../../src/claims/nats-media-bus.js';
import type { GatewayConfig } from '../../src/config.js';
import type { GatewayDeps } from '../../src/context.js';
import { serveCallCommands } from '../../src/control/serve-commands.js';
import { createGatewayMetrics, type GatewayMetrics } from '../../src/metrics.js';
import { natsTransferOutcomes } from '../../src/transfer/transfer-outcomes.js';
import {
  AGENT_NUMBER,
  CALLER_NUMBER,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  testConfig,
} from './config.js';

export const AGENT_ID = 'integration-agent';

/**
 * The gateway wired as `main.ts` wires it, on the suite's NATS and Postgres, listening on a free
 * port, with a recorder beside it turning its call events into rows.
 */
export interface RealGateway {
  /** Where it really listens: `http://127.0.0.1:PORT`. */
  url: string;
  app: GatewayApp;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  /** The gateway's own NATS connection. */
  nc: NatsConnection;
  database: DatabaseHandle;
  rest: FakeTwilioRestApi;
  /** Places a simulated call to the agent's number through this gateway. */
  call(options?: Partial<PlaceCallOptions>): Promise<SimulatedCall>;
  /** Resolves once every call event this gateway published so far is in the recorder's rows. */
  recorded(): Promise<void>;
  close(): Promise<void>;
}

/** How long `recorded()` waits for the events to be published and applied (ms). */
const RECORDED_TIMEOUT_MS = 15_000;

const logger = createLogger({ service: 'gateway-it', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Inserts the agent profile that answers `AGENT_NUMBER` (idempotent). */
export async function seedAgent(database: DatabaseHandle): Promise<void> {
  await database.db
    .insert(agentProfiles)
    .values({
      id: AGENT_ID,
      phoneNumber: AGENT_NUMBER,
      name: 'Integration agent',
      instructions: 'Be brief.',
      greeting: 'Hello.',
    })
    .onConflictDoNothing();
}

export async function startRealGateway(
  infra: TestInfraHandle,
  env: Record<string, string> = {},
  overrides: Partial<Pick<GatewayDeps, 'bridgeSilence' | 'gatewayId'>> = {},
): Promise<RealGateway> {
  const config = testConfig({ NATS_URL: infra.natsUrl, DATABASE_URL: infra.databaseUrl, ...env });
  const nc = await connectNats({ url: infra.natsUrl, name: 'gateway-it', logger });
  await ensureStreams(await jetstreamManager(nc));
  const database = createDatabase({ url: infra.databaseUrl, max: 4 });
  await seedAgent(database);
  const rest = await new FakeTwilioRestApi({
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
  }).start();
  const outboxRoot = mkdtempSync(join(tmpdir(), 'gateway-outbox-'));
  const outbox = new JetStreamOutbox({ js: jetstream(nc), logger, root: outboxRoot, service: 'gateway' });
  const metrics = createGatewayMetrics(new Registry());
  // The calls rows are the recorder's, from the gateway's events: the suites read what it made of them.
  const recorder = startRecorder({
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    db: database.db,
    logger,
  });
  const app = await buildGatewayApp(
    {
      config,
      logger,
      agents: createDrizzleAgentDirectory(database.db),
      bus: createNatsMediaBus(nc, createTurnPublisher(nc, logger), logger),
      events: createOutboxEventSink(outbox, logger),
      callControl: createCallControl(
        createTwilioClient({
          accountSid: TEST_ACCOUNT_SID,
          authToken: TEST_AUTH_TOKEN,
          apiBaseUrl: rest.baseUrl,
        }),
      ),
      metrics,
      answers: createNatsAnswerLedger(await openKvBucket(nc, KV_BUCKETS.callAnswers)),
      streams: createNatsCallStreams(await openKvBucket(nc, KV_BUCKETS.callStreams)),
      transfers: natsTransferOutcomes(nc, config.TRANSFER_ANSWER_TIMEOUT_MS),
      gatewayId: 'gateway-it',
      isDraining: () => false,
      ...overrides,
    },
    createHttpServer({ logger }),
  );
  const commands = serveCallCommands(nc, app.runCommand, logger);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    app,
    config,
    metrics,
    nc,
    database,
    rest,
    call: (options = {}) =>
      placeCall({
        gatewayUrl: url,
        publicBaseUrl: TEST_PUBLIC_BASE_URL,
        accountSid: TEST_ACCOUNT_SID,
        authToken: TEST_AUTH_TOKEN,
        from: CALLER_NUMBER,
        to: AGENT_NUMBER,
        restApi: rest,
        ...options,
      }),
    async recorded() {
      await outbox.flush(RECORDED_TIMEOUT_MS);
      const jsm = await jetstreamManager(nc);
      await vi.waitFor(
        async () => {
          const info = await jsm.consumers.info(
            CONSUMERS.recorderCalls.stream,
            CONSUMERS.recorderCalls.durable,
          );
          if (info.num_pending + info.num_ack_pending > 0) throw new Error('the recorder is behind');
        },
        { timeout: RECORDED_TIMEOUT_MS, interval: 50 },
      );
    },
    async close() {
      await app.http.close();
      await commands.stop();
      await outbox.flush(2_000);
      outbox.close();
      rmSync(outboxRoot, { recursive: true, force: true });
      await recorder.stop();
      await nc.drain();
      await database.close();
      await rest.stop();
    },
  };
}

interface MetricLike {
  get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number; metricName?: string }> }>;
}

/** The value of a labelled counter (or a histogram's `_count`), 0 when never observed. */
export async function counterValue(metric: MetricLike, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const match = values.find(
    (v) =>
      (v.metricName === undefined || !v.metricName.endsWith('_bucket')) &&
      (v.metricName === undefined || !v.metricName.endsWith('_sum')) &&
      Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  );
  return match?.value ?? 0;
}
