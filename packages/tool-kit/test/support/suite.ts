import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createDatabase, type DatabaseHandle } from '@voice/shared/db';
import { createLogger, type Logger } from '@voice/shared/logging';

/** A silent logger: the suites assert on replies and rows, not on log lines. */
export function testLogger(): Logger {
  return createLogger({ service: 'tool-kit-test', level: process.env.LOG_LEVEL ?? 'silent' });
}

/** A NATS connection and a database handle to the suite's infrastructure, closed together. */
export interface SuiteClients {
  nc: NatsConnection;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export async function openClients(natsUrl: string, databaseUrl: string): Promise<SuiteClients> {
  const nc = await connect({ servers: natsUrl, name: 'tool-kit-test' });
  const database = createDatabase({ url: databaseUrl, max: 20 });
  return {
    nc,
    database,
    async close() {
      await nc.drain();
      await database.close();
    },
  };
}
