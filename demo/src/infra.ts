import { connect as tcpConnect } from 'node:net';
import { LOCAL_DATABASE_URL } from '@voice/shared/config';
import { startNatsServer, startPostgresServer } from '@voice/testkit/infra';

export interface DemoInfra {
  natsUrl: string;
  databaseUrl: string;
  /** One line per dependency: where it came from. */
  description: string[];
  stop(): Promise<void>;
}

const DEMO_DATABASE = 'voice_agent_demo';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * NATS and Postgres for the demo: the configured ones (`NATS_URL`, `DATABASE_URL`), else a
 * private NATS server of its own (its streams never mix with anything else), and the machine's
 * Postgres on 5432 (a demo database on it) or a private one from the local binaries.
 */
export async function bringUpInfra(env: NodeJS.ProcessEnv): Promise<DemoInfra> {
  const stops: Array<() => Promise<void>> = [];
  const description: string[] = [];

  let natsUrl = env.NATS_URL;
  if (natsUrl) {
    description.push(`NATS: ${natsUrl} (NATS_URL)`);
  } else {
    const nats = await startNatsServer({ env: {} });
    stops.push(() => nats.stop());
    natsUrl = nats.url;
    description.push(`NATS: a private nats-server with JetStream at ${nats.url}`);
  }

  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl) {
    description.push('Postgres: DATABASE_URL');
  } else if (await answers(5432)) {
    const url = new URL(LOCAL_DATABASE_URL);
    url.pathname = `/${DEMO_DATABASE}`;
    databaseUrl = url.toString();
    description.push(`Postgres: the local server on 127.0.0.1:5432, database ${DEMO_DATABASE}`);
  } else {
    const postgres = await startPostgresServer({ env: {} });
    stops.push(() => postgres.stop());
    const url = new URL(postgres.adminUrl);
    url.pathname = `/${DEMO_DATABASE}`;
    databaseUrl = url.toString();
    description.push(`Postgres: a private server (${postgres.source}) at ${url.host}`);
  }

  return {
    natsUrl,
    databaseUrl,
    description,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
