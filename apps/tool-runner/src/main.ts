import { loadConfig } from '@voice/shared/config';
import { runMain, startService } from '@voice/shared/service';
import { serveTools } from '@voice/tool-kit';
import { toolRunnerConfigSchema } from './config.js';
import { createTools } from './tools/index.js';

/** Shown in the NATS service info; bump with the tools' contracts. */
const TOOL_RUNNER_VERSION = '0.1.0';

runMain('tool-runner', async () => {
  const config = loadConfig(toolRunnerConfigSchema);
  const runtime = await startService({ service: 'tool-runner', config, database: true });
  const database = runtime.database;
  if (!database) throw new Error('tool-runner: the database did not open');

  const tools = await serveTools({
    nc: runtime.nc,
    tools: createTools({ db: database.db, now: () => new Date() }),
    serviceName: 'tool-runner',
    version: TOOL_RUNNER_VERSION,
    description: 'Caller records, scheduling and support tickets',
    logger: runtime.logger,
    db: database.db,
    registry: runtime.registry,
    workerId: runtime.instance,
    defaultTimeoutMs: config.TOOL_TIMEOUT_MS,
  });
  await runtime.listen();
  runtime.onShutdown([{ name: 'stop serving tools, finish those in flight', run: () => tools.stop() }]);
});
