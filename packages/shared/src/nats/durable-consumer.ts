import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { z } from 'zod';
import { decodeJson } from '../contracts/index.js';
import { isDatabaseUnavailable } from '../db/index.js';
import { isRetryable } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { type BackoffPolicy, backoffDelay } from '../retry/index.js';
import { type ConsumerDefinition, ensureConsumer } from './streams.js';

export interface MessageMeta {
  subject: string;
  seq: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** The publisher's message id (`Nats-Msg-Id`), the de-duplication key. */
  msgId: string | undefined;
}

/** A handler's own decision about its message, for handlers that classify their failures themselves. */
export type Settlement<Reason extends string = string> =
  | { kind: 'ack' }
  | { kind: 'nak'; delayMs: number; reason: Reason };

export type ConsumerOutcome = 'acked' | 'retried' | 'busy' | 'terminated' | 'invalid';

export interface DurableConsumerOptions<S extends z.ZodType> {
  js: JetStreamClient;
  jsm: JetStreamManager;
  definition: ConsumerDefinition;
  schema: S;
  /** What the messages are, for logs and errors. */
  what: string;
  /**
   * Applies one message; it is acked once this returns, unless it returns a `nak`. Throwing a
   * retryable error (or a Postgres outage) naks it with `backoff`.
   */
  handle: (value: z.output<S>, meta: MessageMeta) => Promise<void> | Promise<Settlement>;
  logger: Logger;
  /** Redelivery pauses of a message whose handler threw, by delivery count. */
  backoff?: BackoffPolicy;
  /** Non-retryable failures are retried this many times (a bug may be fixed by a deploy) before `term`. */
  poisonAfter?: number;
  /** Messages handled at once; 1 keeps them in stream order. */
  concurrency?: number;
  /** Messages pulled ahead of handling; each one's ack wait runs from its delivery, not its handling. */
  prefetch?: number;
  /** Messages with the same key are never handled at once: a second one comes back a little later. */
  keyOf?: (value: z.output<S>) => string;
  /** `reason` says why a message was `retried`: the handler's own, or `transient` / `unexpected`. */
  onOutcome?: (outcome: ConsumerOutcome, reason?: string) => void;
}

export interface DurableConsumerHandle {
  /** Stops pulling; the messages being handled finish first. */
  stop(): Promise<void>;
  /** Settles when the loop has ended after `stop()`. */
  done: Promise<void>;
}

interface Settled {
  outcome: ConsumerOutcome;
  reason?: string;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 15_000 };
/** A message whose key is already in hand here comes back this much later. */
const BUSY_RETRY_MS = 1_000;
/** Pause before re-subscribing after the loop broke (NATS away, consumer deleted). */
const RESUBSCRIBE_DELAY_MS = 1_000;
/** `working()` is sent this many times per ack wait while a message is being handled. */
const HEARTBEATS_PER_ACK_WAIT = 3;

/**
 * A durable pull consumer loop: `for await` over the messages, parse at the edge, apply with
 * bounded concurrency, ack only after the side effects. Long handling sends `working()` so the
 * server does not redeliver a message still in hand. Invalid payloads are terminated (they
 * never become valid); outages are nak'd with backoff so nothing is lost while a dependency is down.
 */
export function runDurableConsumer<S extends z.ZodType>(
  options: DurableConsumerOptions<S>,
): DurableConsumerHandle {
  const loop = new ConsumerLoop(options);
  return { done: loop.done, stop: () => loop.stop() };
}

class ConsumerLoop<S extends z.ZodType> {
  readonly done: Promise<void>;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly keysInHand = new Set<string>();
  private stopped = false;
  private messages: ConsumerMessages | undefined;

  constructor(private readonly options: DurableConsumerOptions<S>) {
    this.log = options.logger.child({ component: 'consumer', durable: options.definition.durable });
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close();
    await this.done;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consume();
      } catch (error) {
        if (!this.stopped) this.log.warn({ err: error }, 'consumer interrupted, restarting');
      }
      if (!this.stopped) await sleep(RESUBSCRIBE_DELAY_MS);
    }
  }

  private async consume(): Promise<void> {
    const { js, jsm, definition } = this.options;
    const concurrency = this.options.concurrency ?? 1;
    await ensureConsumer(jsm, definition);
    const consumer = await js.consumers.get(definition.stream, definition.durable);
    const messages = await consumer.consume({ max_messages: this.options.prefetch ?? 64 });
    this.messages = messages;
    if (this.stopped) await messages.close();
    for await (const m of messages) {
      this.track(m);
      while (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
      if (this.stopped) break;
    }
  }

  private track(m: JsMsg): void {
    const task: Promise<void> = this.settle(m)
      .then(({ outcome, reason }) => this.options.onOutcome?.(outcome, reason))
      .catch((error: unknown) => {
        // A bug in the loop itself; the message stays pending and is redelivered after the ack wait.
        this.log.error({ err: error, subject: m.subject, seq: m.seq }, 'message left unsettled');
      })
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async settle(m: JsMsg): Promise<Settled> {
    const decoded = decodeJson(this.options.schema, m.data, this.options.what);
    if (!decoded.ok) {
      this.log.error(
        { subject: m.subject, seq: m.seq, issues: decoded.error.issues },
        'invalid message terminated',
      );
      // No reason: nats-server 2.9 ignores a +TERM that carries one, leaving the message pending.
      m.term();
      return { outcome: 'invalid' };
    }
    const key = this.options.keyOf?.(decoded.value);
    if (key !== undefined && this.keysInHand.has(key)) {
      m.nak(BUSY_RETRY_MS);
      return { outcome: 'busy' };
    }
    if (key !== undefined) this.keysInHand.add(key);
    const heartbeat = setInterval(
      () => m.working(),
      this.options.definition.ackWaitMs / HEARTBEATS_PER_ACK_WAIT,
    );
    try {
      return await this.apply(m, decoded.value);
    } finally {
      clearInterval(heartbeat);
      if (key !== undefined) this.keysInHand.delete(key);
    }
  }

  private async apply(m: JsMsg, value: z.output<S>): Promise<Settled> {
    const meta: MessageMeta = {
      subject: m.subject,
      seq: m.seq,
      deliveryCount: m.info.deliveryCount,
      msgId: m.headers?.get('Nats-Msg-Id') || undefined,
    };
    try {
      const settlement = await this.options.handle(value, meta);
      if (settlement?.kind === 'nak') {
        m.nak(settlement.delayMs);
        return { outcome: 'retried', reason: settlement.reason };
      }
      m.ack();
      return { outcome: 'acked' };
    } catch (error) {
      return this.failed(m, meta, error);
    }
  }

  private failed(m: JsMsg, meta: MessageMeta, error: unknown): Settled {
    const transient = isRetryable(error) || isDatabaseUnavailable(error);
    const where = { err: error, subject: m.subject, seq: m.seq, deliveries: meta.deliveryCount };
    if (!transient && meta.deliveryCount >= (this.options.poisonAfter ?? 10)) {
      this.log.error(where, 'message terminated');
      m.term();
      return { outcome: 'terminated' };
    }
    const delay = backoffDelay({ ...(this.options.backoff ?? DEFAULT_BACKOFF), attempt: meta.deliveryCount });
    this.log[transient ? 'warn' : 'error'](
      { ...where, retryInMs: delay },
      'message handling failed, will retry',
    );
    m.nak(delay);
    return { outcome: 'retried', reason: transient ? 'transient' : 'unexpected' };
  }
}
