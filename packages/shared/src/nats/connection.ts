import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logging/index.js';

export type { NatsConnection } from '@nats-io/transport-node';

export interface ConnectOptions {
  url: string;
  /** Shows in the server's connection list: service + instance. */
  name: string;
  logger: Logger;
  /** How long the first connection may take before start-up fails (ms). */
  connectTimeoutMs?: number;
}

/**
 * Connects with endless reconnect: a NATS restart is a gap, never the end of a live call.
 * Connection state changes are logged; the caller owns `drain()` at shutdown.
 */
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    timeout: options.connectTimeoutMs ?? 5_000,
    pingInterval: 10_000,
  });
  const log = options.logger.child({ component: 'nats' });
  log.info({ server: nc.getServer() }, 'nats connected');
  void (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          log.warn({ server: status.server }, 'nats disconnected');
          break;
        case 'reconnect':
          log.info({ server: status.server }, 'nats reconnected');
          break;
        case 'error':
          log.error({ err: status.error }, 'nats error');
          break;
        case 'slowConsumer':
          log.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'nats slow consumer');
          break;
        default:
          break;
      }
    }
  })();
  return nc;
}

/** Whether the connection can carry traffic right now (for `/readyz`). */
export function natsReady(nc: NatsConnection): boolean {
  return !nc.isClosed() && !nc.isDraining() && nc.getServer() !== '';
}
