import { loadConfig } from '@voice/shared/config';
import { JetStreamOutbox, jetstream } from '@voice/shared/nats';
import { runMain, startService } from '@voice/shared/service';
import { buildEscalationApp } from './app.js';
import { escalationConfigSchema } from './config.js';

runMain('escalation', async () => {
  const config = loadConfig(escalationConfigSchema);
  const runtime = await startService({
    service: 'escalation',
    config,
    secrets: [config.CONSOLE_SESSION_SECRET],
    database: true,
    jetstream: true,
  });
  if (!runtime.database) throw new Error('escalation: the database was not opened');
  const app = await buildEscalationApp({
    http: runtime.http,
    db: runtime.database.db,
    nc: runtime.nc,
    outbox: new JetStreamOutbox({
      js: jetstream(runtime.nc),
      logger: runtime.logger.child({ component: 'outbox' }),
      root: config.OUTBOX_DIR,
      service: 'escalation',
    }),
    config,
    logger: runtime.logger,
    registry: runtime.registry,
  });
  await runtime.listen();
  await app.start();
  runtime.onShutdown(app.shutdownSteps());
});
