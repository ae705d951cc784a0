import { readFile } from 'node:fs/promises';
import { loadConfig } from '@voice/shared/config';
import { createTurnPublisher, JetStreamOutbox, jetstream } from '@voice/shared/nats';
import { runMain, startService } from '@voice/shared/service';
import { createMediaBridge } from './bridge.js';
import { mediaBridgeConfigSchema } from './config.js';
import { createBridgeMetrics } from './metrics.js';
import { createSdkTransportFactory } from './model/sdk-transport.js';

/** Time kept back from the shutdown budget for closing sessions and flushing events. */
const SHUTDOWN_RESERVE_MS = 3_000;
const OUTBOX_FLUSH_MS = 2_000;

runMain('media-bridge', async () => {
  const config = loadConfig(mediaBridgeConfigSchema);
  const ca = config.OPENAI_EXTRA_CA_FILE ? await readFile(config.OPENAI_EXTRA_CA_FILE, 'utf8') : undefined;
  const runtime = await startService({
    service: 'media-bridge',
    config,
    secrets: [config.OPENAI_API_KEY],
    database: true,
    jetstream: true,
  });
  if (!runtime.database) throw new Error('media-bridge needs its database');
  const metrics = createBridgeMetrics(runtime.registry);
  const outbox = new JetStreamOutbox({
    js: jetstream(runtime.nc),
    logger: runtime.logger,
    root: config.OUTBOX_DIR,
    service: 'media-bridge',
  });
  const publisher = createTurnPublisher(runtime.nc, runtime.logger.child({ component: 'media-publisher' }), {
    windowMs: config.MEDIA_FLUSH_WINDOW_MS,
  });
  const bridge = createMediaBridge({
    nc: runtime.nc,
    publisher,
    db: runtime.database.db,
    outbox,
    logger: runtime.logger,
    metrics,
    bridgeId: runtime.instance,
    openTransport: createSdkTransportFactory({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      model: config.OPENAI_REALTIME_MODEL,
      ca,
      handshakeTimeoutMs: config.MODEL_CONNECT_TIMEOUT_MS,
    }),
    settings: {
      maxSessions: config.MAX_SESSIONS,
      toolDiscoveryMaxWaitMs: config.TOOL_DISCOVERY_MAX_WAIT_MS,
      streamStartTimeoutMs: config.CLAIM_START_TIMEOUT_MS,
      modelConnectTimeoutMs: config.MODEL_CONNECT_TIMEOUT_MS,
      modelSessionMaxMs: config.MODEL_SESSION_MAX_MS,
      modelConnectAttempts: config.MODEL_RESTORE_ATTEMPTS,
      dtmfCollectMs: config.DTMF_COLLECT_MS,
    },
  });
  bridge.start();
  await runtime.listen();
  runtime.onShutdown([
    { name: 'stop claiming', run: () => bridge.stopClaiming() },
    {
      name: 'let live calls finish',
      run: () => bridge.drain(Math.max(0, config.SHUTDOWN_TIMEOUT_MS - SHUTDOWN_RESERVE_MS)),
    },
    { name: 'close sessions', run: () => bridge.closeAll() },
    // The hand-backs' releases wait for the end of a turn; NATS drains right after these steps.
    { name: 'send queued media', run: () => publisher.flush() },
    {
      name: 'flush call events',
      run: async () => {
        const left = await outbox.flush(OUTBOX_FLUSH_MS);
        outbox.close();
        if (left > 0) throw new Error(`${left} call events not published`);
      },
    },
  ]);
});
