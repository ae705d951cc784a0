import { rm } from 'node:fs/promises';
import { findExecutable } from '../process/find-executable.js';
import { freePort } from '../process/free-port.js';
import { type ManagedProcess, startProcess } from '../process/start-process.js';
import type { NatsServer } from './nats-server.js';
import { makeServerDir, STOP_SIGNAL, sweepStaleServers } from './server-dirs.js';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * A private `nats-server` with JetStream stored in a temp dir; restartable on the same port and
 * store. It dies with the process that started it, and the leftovers of a dead one are swept first.
 */
export async function startLocalNats(): Promise<NatsServer> {
  const command = findExecutable(
    'nats-server',
    ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'],
    'install it (apt-get install nats-server) or set TEST_NATS_URL',
  );
  await sweepStaleServers();
  const storeDir = await makeServerDir('nats');
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  let running: ManagedProcess | undefined;

  async function launch(): Promise<void> {
    const server = await startProcess({
      name: `nats-server :${port}`,
      command,
      args,
      parentDeathSignal: STOP_SIGNAL.nats,
    });
    try {
      await server.waitForLine(/Server is ready/, READY_TIMEOUT_MS);
    } catch (error) {
      await server.kill();
      throw error;
    }
    running = server;
  }

  async function halt(signal: NodeJS.Signals): Promise<void> {
    const server = running;
    running = undefined;
    await server?.stop(signal, STOP_TIMEOUT_MS);
  }

  try {
    await launch();
  } catch (error) {
    await rm(storeDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    source: 'local-binaries',
    restart: async () => {
      await halt(STOP_SIGNAL.nats);
      await launch();
    },
    kill: () => halt('SIGKILL'),
    stop: async () => {
      await halt(STOP_SIGNAL.nats);
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
