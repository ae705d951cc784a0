import { GenericContainer, Wait } from 'testcontainers';
import { freePort } from '../process/free-port.js';
import type { NatsServer } from './nats-server.js';

const NATS_IMAGE = 'nats:2.10-alpine';
const CLIENT_PORT = 4222;

/**
 * A NATS container with JetStream. A plain GenericContainer rather than `@testcontainers/nats`:
 * that module always sets `--user test --pass test`, and NATS clients ignore credentials in a
 * URL, so the plain `url` this provider promises would be refused. The host port is fixed so
 * `restart()` keeps the URL.
 */
export async function startNatsContainer(): Promise<NatsServer> {
  const hostPort = await freePort();
  const container = await new GenericContainer(NATS_IMAGE)
    .withCommand(['-js', '-sd', '/data'])
    .withExposedPorts({ container: CLIENT_PORT, host: hostPort })
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start()
    .catch((error: unknown) => {
      throw new Error(`Testcontainers could not start ${NATS_IMAGE}: ${(error as Error).message}`, {
        cause: error,
      });
    });
  return {
    url: `nats://${container.getHost()}:${hostPort}`,
    source: 'testcontainers',
    restart: () => container.restart(),
    kill: async () => {
      await container.stop({ timeout: 0, remove: false });
    },
    stop: async () => {
      await container.stop();
    },
  };
}
