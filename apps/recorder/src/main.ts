import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { loadConfig } from '@voice/shared/config';
import { runMain, startService } from '@voice/shared/service';
import { registerCallsRoutes } from './api/calls-routes.js';
import { recorderConfigSchema } from './config.js';
import { createRecorderMetrics } from './metrics.js';
import { startRecorder } from './recorder.js';

runMain('recorder', async () => {
  const config = loadConfig(recorderConfigSchema);
  const runtime = await startService({
    service: 'recorder',
    config,
    secrets: [config.CALLS_API_TOKEN],
    database: true,
    jetstream: true,
  });
  const db = runtime.database?.db;
  if (!db) throw new Error('recorder needs a database');
  const metrics = createRecorderMetrics(runtime.registry);

  registerCallsRoutes(runtime.http, { db, token: config.CALLS_API_TOKEN });
  const recorder = startRecorder({
    js: jetstream(runtime.nc),
    jsm: await jetstreamManager(runtime.nc),
    db,
    logger: runtime.logger,
    onOutcome: (stream, outcome) => metrics.events.inc({ stream, outcome }),
  });

  await runtime.listen();
  runtime.onShutdown([{ name: 'stop consumers', run: () => recorder.stop() }]);
});
