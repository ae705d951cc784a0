import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { type CallEvent, callEventSchema, decodeJson, subjects } from '@voice/shared/contracts';
import { agentProfiles, createDatabase, type DatabaseHandle, validAgentProfile } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { createTurnPublisher, ensureStreams, JetStreamOutbox, jetstream } from '@voice/shared/nats';
import { Registry } from '@voice/shared/telemetry';
import { FakeRealtimeServer, type FakeRealtimeServerOptions } from '@voice/testkit/openai';
import { createMediaBridge, type MediaBridge, type MediaBridgeSettings } from '../../src/bridge.js';
import { type BridgeMetrics, createBridgeMetrics } from '../../src/metrics.js';
import { createSdkTransportFactory } from '../../src/model/sdk-transport.js';
import { FakeIngress } from './ingress.js';

export const TEST_GREETING = 'Hello, this is the test clinic. How can I help?';

/** A test agent profile; `allowedTools` and the filler delay vary per suite. */
export interface TestAgent {
  id: string;
  allowedTools?: string[];
  toolFillerAfterMs?: number | null;
  greeting?: string;
}

export interface HarnessOptions {
  natsUrl: string;
  databaseUrl: string;
  agents: TestAgent[];
  fake?: FakeRealtimeServerOptions;
  settings?: Partial<MediaBridgeSettings>;
}

/** The bridge as the app wires it, in-process: real NATS, real Postgres, the fake model. */
export interface BridgeHarness {
  nc: NatsConnection;
  fake: FakeRealtimeServer;
  /** Answers the bridge's call-control commands (its hang-ups), as the gateway does. */
  ingress: FakeIngress;
  bridge: MediaBridge;
  metrics: BridgeMetrics;
  database: DatabaseHandle;
  /** Every call event published (core subscription on `calls.events.>`), in arrival order. */
  events: CallEvent[];
  eventsOf<T extends CallEvent['type']>(callSid: string, type: T): Array<Extract<CallEvent, { type: T }>>;
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: MediaBridgeSettings = {
  maxSessions: 10,
  toolDiscoveryMaxWaitMs: 500,
  streamStartTimeoutMs: 30_000,
  modelConnectTimeoutMs: 10_000,
  modelSessionMaxMs: 55 * 60_000,
  modelConnectAttempts: 4,
  dtmfCollectMs: 300,
};

export async function startBridgeHarness(options: HarnessOptions): Promise<BridgeHarness> {
  const database = createDatabase({ url: options.databaseUrl, max: 4 });
  for (const agent of options.agents) {
    await database.db
      .insert(agentProfiles)
      .values(
        validAgentProfile({
          id: agent.id,
          phoneNumber: `+1555000${String(2_000 + options.agents.indexOf(agent)).padStart(4, '0')}`,
          name: `Test agent ${agent.id}`,
          instructions: 'You are a test receptionist. Be brief.',
          voice: 'marin',
          greeting: agent.greeting ?? TEST_GREETING,
          allowedTools: agent.allowedTools ?? [],
          turnDetection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 300,
          },
          noiseReduction: 'near_field',
          toolFillerAfterMs: agent.toolFillerAfterMs === undefined ? null : agent.toolFillerAfterMs,
        }),
      )
      .onConflictDoNothing();
  }
  const nc = await connect({ servers: options.natsUrl, name: 'media-bridge-test' });
  await ensureStreams(await jetstreamManager(nc));
  const ingressNc = await connect({ servers: options.natsUrl, name: 'fake-ingress' });
  const ingress = new FakeIngress();
  await ingress.start(ingressNc);
  const logger = createLogger({
    service: 'media-bridge-test',
    level: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const fake = await FakeRealtimeServer.start({ audioPace: 4, speechMsPerChar: 40, ...options.fake });
  const metrics = createBridgeMetrics(new Registry());
  const outboxRoot = mkdtempSync(join(tmpdir(), 'bridge-outbox-'));
  const outbox = new JetStreamOutbox({
    js: jetstream(nc),
    logger,
    root: outboxRoot,
    service: 'media-bridge',
  });
  const bridge = createMediaBridge({
    nc,
    publisher: createTurnPublisher(nc, logger),
    db: database.db,
    outbox,
    logger,
    metrics,
    bridgeId: 'media-bridge-test',
    openTransport: createSdkTransportFactory({
      apiKey: fake.apiKey,
      baseURL: fake.baseURL,
      model: 'gpt-realtime',
      ca: fake.caPem,
      handshakeTimeoutMs: 5_000,
    }),
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
  });
  bridge.start();

  const events: CallEvent[] = [];
  const subscription: Subscription = nc.subscribe(subjects.callEventsAll, {
    callback: (_error, msg) => {
      const parsed = decodeJson(callEventSchema, msg.data, 'call event');
      if (!parsed.ok) throw parsed.error;
      events.push(parsed.value);
    },
  });
  await nc.flush();

  return {
    nc,
    fake,
    ingress,
    bridge,
    metrics,
    database,
    events,
    eventsOf: (callSid, type) =>
      events.filter(
        (e): e is Extract<CallEvent, { type: typeof type }> => e.callSid === callSid && e.type === type,
      ),
    async stop() {
      bridge.closeAll();
      await bridge.stopClaiming();
      await outbox.flush(2_000);
      outbox.close();
      rmSync(outboxRoot, { recursive: true, force: true });
      subscription.unsubscribe();
      await nc.drain();
      await ingressNc.drain();
      await fake.stop();
      await database.close();
    },
  };
}
