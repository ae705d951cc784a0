import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logging/index.js';

/**
 * Core NATS publishes that leave once per turn of the event loop. nats.js flushes its buffer
 * in a microtask (`@nats-io/nats-core` protocol.js `sendCommand`), and every caller frame or
 * model delta arrives in an I/O callback of its own, so each publish was its own `write`.
 * Queued here and handed to the client together in the check phase (`setImmediate`), what all
 * of a turn's callbacks published becomes one write; a lone frame still leaves in the turn it
 * arrived in. Messages keep their order (one queue), so audio and control of a call stay in
 * sequence as long as both go through the same publisher. A window (`windowMs` > 0) holds the
 * first message of a batch that long instead, so frames of several turns share a write.
 */
export interface TurnPublisher {
  /**
   * Queues a message for the end of this turn. `data` is kept by reference until then: pass a
   * buffer nobody rewrites (a socket message's own bytes, a fresh encoding). False once the
   * connection is closed: nothing will leave any more.
   */
  publish(subject: string, data: Uint8Array | string): boolean;
  /** Hands what is queued to the client now. */
  flush(): void;
}

export interface TurnPublisherOptions {
  /** How long the first queued message may wait for others (ms); 0: until the end of its turn. */
  windowMs?: number;
}

export function createTurnPublisher(
  nc: NatsConnection,
  logger: Logger,
  options: TurnPublisherOptions = {},
): TurnPublisher {
  const windowMs = options.windowMs ?? 0;
  let subjects: string[] = [];
  let payloads: (Uint8Array | string)[] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const queuedSubjects = subjects;
    const queuedPayloads = payloads;
    subjects = [];
    payloads = [];
    let failed = 0;
    let firstError: unknown;
    for (let i = 0; i < queuedSubjects.length; i++) {
      try {
        nc.publish(queuedSubjects[i] as string, queuedPayloads[i]);
      } catch (error) {
        failed++;
        firstError ??= error;
      }
    }
    // A closed or draining connection refuses every message of the batch: one line says so.
    if (failed > 0) logger.warn({ err: firstError, failed }, 'queued publishes refused by the connection');
  };

  return {
    publish(subject, data) {
      if (nc.isClosed()) return false;
      subjects.push(subject);
      payloads.push(data);
      if (!scheduled) {
        scheduled = true;
        if (windowMs > 0) setTimeout(flush, windowMs);
        else setImmediate(flush);
      }
      return true;
    },
    flush() {
      if (scheduled) flush();
    },
  };
}
