import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { z } from 'zod';
import { decodeJson } from '../contracts/index.js';
import { isTransientDatabaseError } from '../db/index.js';
import { isRetryable } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { type ConsumerDefinition, ensureConsumer } from './streams.js';

export interface MessageMeta {
  subject: string;
  seq: number;
  deliveryCount: number;
  /** The publisher's message id (`Nats-Msg-Id`), the de-duplication key. */
  msgId: string | undefined;
}

export type ConsumerOutcome = 'acked' | 'retried' | 'terminated' | 'invalid';

export interface DurableConsumerOptions<S extends z.ZodType> {
  js: JetStreamClient;
  jsm: JetStreamManager;
  definition: ConsumerDefinition;
  schema: S;
  /** What the messages are, for logs and errors. */
  what: string;
  /** Applies one message. Throwing a retryable error (or a Postgres outage) naks it with backoff. */
  handle: (value: z.output<S>, meta: MessageMeta) => Promise<void>;
  logger: Logger;
  maxBackoffMs?: number;
  /** Non-retryable failures are retried this many times (a bug may be fixed by a deploy) before `term`. */
  poisonAfter?: number;
  onOutcome?: (outcome: ConsumerOutcome) => void;
}

export interface DurableConsumerHandle {
  /** Stops pulling; the message being handled finishes first. */
  stop(): Promise<void>;
  /** Settles when the loop has ended after `stop()`. */
  done: Promise<void>;
}

/** Exponential backoff for redelivery, from the delivery count. */
export function redeliveryDelayMs(deliveryCount: number, maxMs: number): number {
  return Math.min(maxMs, 250 * 2 ** Math.min(Math.max(deliveryCount - 1, 0), 12));
}

/**
 * A durable pull consumer loop: `for await` over the messages, parse at the edge, apply,
 * ack only after the side effects. Invalid payloads are terminated (they never become
 * valid); outages are nak'd with backoff so nothing is lost while a dependency is down.
 */
export function runDurableConsumer<S extends z.ZodType>(
  options: DurableConsumerOptions<S>,
): DurableConsumerHandle {
  const log = options.logger.child({ component: 'consumer', durable: options.definition.durable });
  const maxBackoffMs = options.maxBackoffMs ?? 15_000;
  const poisonAfter = options.poisonAfter ?? 10;
  let stopped = false;
  let current: ConsumerMessages | undefined;

  const settle = async (m: JsMsg): Promise<ConsumerOutcome> => {
    const decoded = decodeJson(options.schema, m.data, options.what);
    if (!decoded.ok) {
      log.error(
        { subject: m.subject, seq: m.seq, issues: decoded.error.issues },
        'invalid message terminated',
      );
      // No reason: nats-server 2.9 ignores a +TERM that carries one, leaving the message pending.
      m.term();
      return 'invalid';
    }
    const meta: MessageMeta = {
      subject: m.subject,
      seq: m.seq,
      deliveryCount: m.info.deliveryCount,
      msgId: m.headers?.get('Nats-Msg-Id') || undefined,
    };
    try {
      await options.handle(decoded.value, meta);
      m.ack();
      return 'acked';
    } catch (error) {
      const transient = isRetryable(error) || isTransientDatabaseError(error);
      if (!transient && meta.deliveryCount >= poisonAfter) {
        log.error(
          { err: error, subject: m.subject, seq: m.seq, deliveries: meta.deliveryCount },
          'message terminated',
        );
        m.term();
        return 'terminated';
      }
      const delay = redeliveryDelayMs(meta.deliveryCount, maxBackoffMs);
      log[transient ? 'warn' : 'error'](
        { err: error, subject: m.subject, seq: m.seq, deliveries: meta.deliveryCount, retryInMs: delay },
        'message handling failed, will retry',
      );
      m.nak(delay);
      return 'retried';
    }
  };

  const loop = async () => {
    while (!stopped) {
      try {
        await ensureConsumer(options.jsm, options.definition);
        const consumer = await options.js.consumers.get(
          options.definition.stream,
          options.definition.durable,
        );
        const messages = await consumer.consume({ max_messages: 64 });
        current = messages;
        for await (const m of messages) {
          options.onOutcome?.(await settle(m));
          if (stopped) break;
        }
      } catch (error) {
        if (stopped) break;
        log.warn({ err: error }, 'consumer interrupted, restarting');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };

  const done = loop();
  return {
    done,
    async stop() {
      stopped = true;
      await current?.close();
      await done;
    },
  };
}
