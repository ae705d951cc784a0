import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createDatabase, type DatabaseHandle } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { serveTools, type ToolServer } from '@voice/tool-kit';
import { createTools } from '../../src/tools/index.js';

/** The tool-runner's tools served in-process on their own NATS connection and pool, as one instance. */
export interface RunnerInstance {
  nc: NatsConnection;
  database: DatabaseHandle;
  server: ToolServer;
  stop(): Promise<void>;
}

export async function startRunnerInstance(
  natsUrl: string,
  databaseUrl: string,
  id: string,
): Promise<RunnerInstance> {
  const nc = await connect({ servers: natsUrl, name: id });
  const database = createDatabase({ url: databaseUrl, max: 10 });
  const server = await serveTools({
    nc,
    tools: createTools({ db: database.db, now: () => new Date() }),
    serviceName: 'tool-runner',
    version: '0.1.0',
    logger: createLogger({ service: 'tool-runner-test', level: process.env.LOG_LEVEL ?? 'silent' }),
    db: database.db,
    workerId: id,
  });
  return {
    nc,
    database,
    server,
    async stop() {
      await server.stop();
      await nc.drain();
      await database.close();
    },
  };
}
