import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { z } from 'zod';
import {
  type CallEvent,
  callEventSchema,
  type EscalationRequested,
  type EscalationStatus,
  encodeJson,
  escalationRequestedSchema,
  escalationStatusSchema,
  subjects,
} from '../contracts/index.js';
import type { Logger } from '../logging/index.js';
import { type BackoffPolicy, backoffDelay } from '../retry/index.js';

interface Pending {
  subject: string;
  data: Uint8Array;
  msgId: string;
  done: () => void;
  attempts: number;
}

export interface OutboxOptions {
  js: JetStreamClient;
  logger: Logger;
  /** Most messages held while JetStream is unreachable; past it the oldest are dropped and logged. */
  maxPending?: number;
  /** Upper bound of the retry backoff (ms). */
  maxBackoffMs?: number;
  /** Per-attempt publish timeout (ms). */
  publishTimeoutMs?: number;
  /** Observes outcomes (metrics). */
  onOutcome?: (outcome: 'published' | 'duplicate' | 'retry' | 'dropped') => void;
}

/**
 * Publishes what must not be lost (call events, escalations) to JetStream in order, with
 * a message id so a retry is stored once. While NATS is away messages wait here and go out
 * when it is back: a NATS restart delays events, it does not lose them.
 */
export class JetStreamOutbox {
  private readonly queue: Pending[] = [];
  private running = false;
  private closed = false;
  private readonly maxPending: number;
  private readonly backoff: BackoffPolicy;
  private readonly publishTimeoutMs: number;

  constructor(private readonly options: OutboxOptions) {
    this.maxPending = options.maxPending ?? 50_000;
    this.backoff = { baseMs: 100, maxMs: options.maxBackoffMs ?? 2_000 };
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Queues a message; the promise settles once JetStream has stored it (or it was dropped). */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('outbox is closed'));
    return new Promise((resolve) => {
      if (this.queue.length >= this.maxPending) {
        const dropped = this.queue.shift();
        this.options.logger.error(
          { subject: dropped?.subject, msgId: dropped?.msgId },
          'outbox full, dropped oldest',
        );
        this.options.onOutcome?.('dropped');
        dropped?.done();
      }
      this.queue.push({ subject, data, msgId, done: resolve, attempts: 0 });
      void this.run();
    });
  }

  publishCallEvent(event: CallEvent): Promise<void> {
    return this.publish(
      subjects.callEvents(event.callSid),
      encodeJson(callEventSchema, event),
      event.eventId,
    );
  }

  publishEscalationRequested(request: EscalationRequested): Promise<void> {
    return this.publish(
      subjects.escalationRequested,
      encodeJson(escalationRequestedSchema, request),
      request.escalationId,
    );
  }

  publishEscalationStatus(status: EscalationStatus): Promise<void> {
    return this.publish(
      subjects.escalationStatus(status.callSid),
      encodeJson(escalationStatusSchema, status),
      status.eventId,
    );
  }

  /** Waits until everything queued has been stored, or the deadline passes. Returns what is left. */
  async flush(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.queue.length;
  }

  /** Stops retrying; anything still queued is reported, not silently forgotten. */
  close(): void {
    this.closed = true;
    if (this.queue.length > 0) {
      this.options.logger.error({ pending: this.queue.length }, 'outbox closed with unpublished messages');
    }
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const next = this.queue[0] as Pending;
        try {
          const ack = await this.options.js.publish(next.subject, next.data, {
            msgID: next.msgId,
            timeout: this.publishTimeoutMs,
          });
          this.queue.shift();
          this.options.onOutcome?.(ack.duplicate ? 'duplicate' : 'published');
          next.done();
        } catch (error) {
          next.attempts++;
          this.options.onOutcome?.('retry');
          const delay = backoffDelay({ ...this.backoff, attempt: next.attempts });
          if (next.attempts === 1 || next.attempts % 20 === 0) {
            this.options.logger.warn(
              { err: error, subject: next.subject, msgId: next.msgId, attempts: next.attempts },
              'jetstream publish failed, will retry',
            );
          }
          await sleep(delay);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** Typed helper for a one-off JetStream publish of a contract value (tests, tools). */
export async function publishContract<S extends z.ZodType>(
  js: JetStreamClient,
  subject: string,
  schema: S,
  value: z.input<S>,
  msgId: string,
): Promise<{ duplicate: boolean }> {
  const ack = await js.publish(subject, encodeJson(schema, value), { msgID: msgId });
  return { duplicate: ack.duplicate };
}
