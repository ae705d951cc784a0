import { loadConfig } from '@voice/shared/config';
import {
  createTurnPublisher,
  JetStreamOutbox,
  jetstream,
  KV_BUCKETS,
  openKvBucket,
} from '@voice/shared/nats';
import { runMain, startService } from '@voice/shared/service';
import { createCallControl, createTwilioClient } from '@voice/shared/twilio';
import { buildGatewayApp } from './app.js';
import { createDrizzleAgentDirectory } from './calls/agent-directory.js';
import { createOutboxEventSink } from './calls/call-events.js';
import { createNatsCallStreams } from './calls/nats-call-streams.js';
import { createNatsAnswerLedger } from './claims/nats-answer-ledger.js';
import { createNatsMediaBus } from './claims/nats-media-bus.js';
import { drainTimeoutMs, gatewayConfigSchema } from './config.js';
import { serveCallCommands } from './control/serve-commands.js';
import { createGatewayMetrics } from './metrics.js';
import { natsTransferOutcomes } from './transfer/transfer-outcomes.js';

/** How long shutdown waits for queued call events to reach JetStream (ms). */
const EVENT_FLUSH_TIMEOUT_MS = 2_000;

runMain('gateway', async () => {
  const config = loadConfig(gatewayConfigSchema);
  const runtime = await startService({
    service: 'gateway',
    config,
    secrets: [config.TWILIO_AUTH_TOKEN, config.STREAM_TOKEN_SECRET],
    database: true,
    jetstream: true,
  });
  const { logger, nc, database } = runtime;
  if (!database) throw new Error('gateway: the database was not opened');

  // Every instance opens (or creates) the same bucket: the one place that decides each call's answer.
  const answers = createNatsAnswerLedger(await openKvBucket(nc, KV_BUCKETS.callAnswers));
  const streams = createNatsCallStreams(await openKvBucket(nc, KV_BUCKETS.callStreams));
  const outbox = new JetStreamOutbox({
    js: jetstream(nc),
    logger: logger.child({ component: 'outbox' }),
    root: config.OUTBOX_DIR,
    service: 'gateway',
  });
  // Every call's media through one queue: a turn's worth of frames leaves in one write.
  const mediaPublisher = createTurnPublisher(nc, logger.child({ component: 'media-publisher' }), {
    windowMs: config.MEDIA_FLUSH_WINDOW_MS,
  });
  const gateway = await buildGatewayApp(
    {
      config,
      logger,
      agents: createDrizzleAgentDirectory(database.db),
      bus: createNatsMediaBus(nc, mediaPublisher, logger.child({ component: 'media-bus' })),
      events: createOutboxEventSink(outbox, logger),
      callControl: createCallControl(
        createTwilioClient({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          apiBaseUrl: config.TWILIO_API_BASE_URL,
        }),
      ),
      metrics: createGatewayMetrics(runtime.registry),
      answers,
      streams,
      transfers: natsTransferOutcomes(nc, config.TRANSFER_ANSWER_TIMEOUT_MS),
      gatewayId: runtime.instance,
      isDraining: runtime.isDraining,
    },
    runtime.http,
  );

  const commands = serveCallCommands(nc, gateway.runCommand, logger);
  await runtime.listen();
  runtime.onShutdown([
    { name: 'drain live calls', run: () => gateway.drain(drainTimeoutMs(config)) },
    // After the drain: a draining call may still be hung up by command. Other gateways take new ones.
    { name: 'stop call-control commands', run: () => commands.stop() },
    // The drain's last stops and controls wait for the end of a turn; NATS drains right after.
    { name: 'send queued media', run: () => mediaPublisher.flush() },
    {
      name: 'flush call events',
      run: async () => {
        await outbox.flush(EVENT_FLUSH_TIMEOUT_MS);
        outbox.close();
      },
    },
  ]);
});
