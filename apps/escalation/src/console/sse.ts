import type { ServerResponse } from 'node:http';
import {
  decodeJson,
  escalationRequestedSchema,
  escalationStatusSchema,
  subjects,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { NatsConnection } from '@voice/shared/nats';

/** What an open console is told: something changed about this escalation; it re-reads its view. */
export interface ConsoleEvent {
  escalationId: string;
  status: string;
}

/** The open live-update streams (`text/event-stream`) of every console on this instance. */
export interface ConsoleEventHub {
  /** Starts streaming to a response; the stream is removed when the browser goes away. */
  attach(response: ServerResponse): void;
  broadcast(event: ConsoleEvent): void;
  /** Ends every stream (shutdown: an open stream would hold the HTTP server open). */
  closeAll(): void;
  readonly size: number;
}

/** A comment line keeps idle streams open through proxies that cut silent connections. */
const KEEPALIVE_MS = 15_000;
/** How soon a browser reconnects after losing the stream. */
const RETRY_MS = 2_000;

export function createConsoleEventHub(
  options: { onSizeChange?: (size: number) => void } = {},
): ConsoleEventHub {
  const clients = new Set<ServerResponse>();
  const changed = () => options.onSizeChange?.(clients.size);
  const keepalive = setInterval(() => {
    for (const client of clients) client.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();

  return {
    attach(response) {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.write(`retry: ${RETRY_MS}\n\n`);
      clients.add(response);
      changed();
      response.on('close', () => {
        clients.delete(response);
        changed();
      });
    },
    broadcast(event) {
      const frame = `event: escalation\ndata: ${JSON.stringify(event)}\n\n`;
      for (const client of clients) client.write(frame);
    },
    closeAll() {
      clearInterval(keepalive);
      for (const client of clients) client.end();
      clients.clear();
      changed();
    },
    get size() {
      return clients.size;
    },
  };
}

/**
 * Feeds the hub from NATS: new requests and every status change, from whichever instance made
 * them (a core subscription sees JetStream publishes too). Malformed messages are skipped.
 */
export function subscribeConsoleFeed(
  nc: NatsConnection,
  hub: ConsoleEventHub,
  logger: Logger,
): { unsubscribe(): void } {
  const log = logger.child({ component: 'console-feed' });
  const subscription = nc.subscribe('escalations.>', {
    callback: (error, msg) => {
      if (error) {
        log.warn({ err: error }, 'console feed subscription error');
        return;
      }
      if (msg.subject === subjects.escalationRequested) {
        const request = decodeJson(escalationRequestedSchema, msg.data, 'escalation request');
        if (request.ok) hub.broadcast({ escalationId: request.value.escalationId, status: 'received' });
        return;
      }
      // Other facts on `escalations.>` (the agent's hand-off line heard) change no page.
      if (!msg.subject.startsWith('escalations.status.')) return;
      const status = decodeJson(escalationStatusSchema, msg.data, 'escalation status');
      if (status.ok) hub.broadcast({ escalationId: status.value.escalationId, status: status.value.status });
      else log.debug({ subject: msg.subject }, 'console feed skipped a malformed message');
    },
  });
  return { unsubscribe: () => subscription.unsubscribe() };
}
