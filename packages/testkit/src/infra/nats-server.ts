import { type DockerDetector, dockerAvailable } from './docker.js';
import { chooseInfraSource, type InfraSource } from './infra-source.js';
import { startNatsContainer } from './nats-container.js';
import { startLocalNats } from './nats-local.js';

/** The environment variable naming an existing NATS server (JetStream on) to use instead of starting one. */
export const TEST_NATS_URL = 'TEST_NATS_URL';

/** A NATS server with JetStream for tests; fault tests restart or kill it mid-call. */
export interface NatsServer {
  /** e.g. `nats://127.0.0.1:4222`; stays the same across `restart()`. */
  url: string;
  source: InfraSource;
  /** Stops the server and deletes its JetStream store (a no-op for an `env` server, which the caller owns). */
  stop(): Promise<void>;
  /**
   * Stops and starts the server on the same port with the same JetStream store, so connected
   * clients reconnect and stored messages survive. Also brings a `kill()`ed server back.
   * Throws for an `env` server.
   */
  restart(): Promise<void>;
  /** Ends the server abruptly (SIGKILL) without restarting it. Throws for an `env` server. */
  kill(): Promise<void>;
}

/** Overrides for the environment and Docker probe (tests use them to make source selection deterministic). */
export interface StartNatsServerOptions {
  /** Where `TEST_NATS_URL` is read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default: `dockerAvailable`. */
  detectDocker?: DockerDetector;
}

/**
 * A NATS server with JetStream from, in order: `TEST_NATS_URL`; a Testcontainers NATS container
 * when a Docker engine answers; a private `nats-server` process from the local binary.
 */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServer> {
  const envUrl = (options.env ?? process.env)[TEST_NATS_URL];
  const source = await chooseInfraSource(envUrl, options.detectDocker ?? dockerAvailable);
  switch (source) {
    case 'env':
      return envNatsServer(envUrl as string);
    case 'testcontainers':
      return startNatsContainer();
    case 'local-binaries':
      return startLocalNats();
  }
}

function envNatsServer(url: string): NatsServer {
  const notOurs = (action: string) => async () => {
    throw new Error(
      `cannot ${action} the NATS server at ${url}: it comes from ${TEST_NATS_URL} and is not owned by the testkit; unset ${TEST_NATS_URL} to get a private one`,
    );
  };
  return { url, source: 'env', stop: async () => {}, restart: notOurs('restart'), kill: notOurs('kill') };
}
