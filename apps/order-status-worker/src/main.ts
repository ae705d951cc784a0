import { loadConfig } from '@voice/shared/config';
import { runMain, startService } from '@voice/shared/service';
import { serveTools } from '@voice/tool-kit';
import { orderStatusWorkerConfigSchema } from './config.js';
import { getOrderStatus } from './get-order-status.js';

runMain('order-status-worker', async () => {
  const config = loadConfig(orderStatusWorkerConfigSchema);
  const runtime = await startService({ service: 'order-status-worker', config, database: true });
  const tools = await serveTools({
    nc: runtime.nc,
    tools: [getOrderStatus],
    serviceName: 'order-status-worker',
    version: '0.1.0',
    logger: runtime.logger,
    db: runtime.database?.db,
    registry: runtime.registry,
    workerId: runtime.instance,
  });
  await runtime.listen();
  runtime.onShutdown([{ name: 'stop serving tools', run: () => tools.stop() }]);
});
