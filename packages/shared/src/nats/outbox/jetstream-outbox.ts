import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  type CallEvent,
  callEventSchema,
  type EscalationRequested,
  type EscalationStatus,
  encodeJson,
  escalationRequestedSchema,
  escalationStatusSchema,
  subjects,
} from '../../contracts/index.js';
import type { Logger } from '../../logging/index.js';
import { type BackoffPolicy, backoffDelay } from '../../retry/index.js';
import { Journal } from './journal.js';
import { abandonedSiblings, adoptInto, claimProcessDir, type ProcessDir } from './process-dir.js';
import { readPending } from './read-journal.js';

interface Pending {
  subject: string;
  data: Uint8Array;
  msgId: string;
  /** Its journal sequence; undefined when the journal could not take it (kept in memory only). */
  seq: number | undefined;
  done: () => void;
  attempts: number;
}

export type OutboxOutcome = 'published' | 'duplicate' | 'retry' | 'dropped';

export interface OutboxOptions {
  js: JetStreamClient;
  logger: Logger;
  /** The journal root (`OUTBOX_DIR`): this process writes under `<root>/<service>/<its own dir>`. */
  root: string;
  /** The service's name: processes adopt only the journals of their own service. */
  service: string;
  /** Most bytes of message data waiting for JetStream; past it `publish` refuses (and logs). */
  maxPendingBytes?: number;
  /** A journal segment file is closed and a new one started at this size (bytes). */
  segmentMaxBytes?: number;
  /** How often to look for journals of dead processes to relay (ms). */
  adoptEveryMs?: number;
  /** Upper bound of the retry backoff (ms). */
  maxBackoffMs?: number;
  /** Per-attempt publish timeout (ms). */
  publishTimeoutMs?: number;
  /** Observes outcomes (metrics). */
  onOutcome?: (outcome: OutboxOutcome) => void;
}

const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
const DEFAULT_SEGMENT_MAX_BYTES = 4 * 1024 * 1024;
const DEFAULT_ADOPT_EVERY_MS = 30_000;
/** Messages acknowledged by one journal line at most. */
const ACK_BATCH = 64;

/**
 * Publishes what must not be lost (call events, escalations) to JetStream in order, with a
 * message id so a retry is stored once. A message is written to this process's journal on
 * disk before `publish` returns, and a relay sends the journal to JetStream: a NATS outage
 * delays events, and a process killed before they went out leaves them for the next process
 * of the service on this host (its next life or a sibling replica), which relays them with
 * the same ids (JetStream drops those it already stored within its duplicate window; the
 * consumers de-duplicate by event id past it).
 */
export class JetStreamOutbox {
  private readonly queue: Pending[] = [];
  private pendingBytes = 0;
  /** The journal sequence of the last message JetStream stored. */
  private settledSeq = 0;
  private running = false;
  private closed = false;
  private readonly serviceDir: string;
  private readonly own: ProcessDir;
  private readonly journal: Journal;
  private readonly adoptTimer: NodeJS.Timeout;
  private readonly maxPendingBytes: number;
  private readonly backoff: BackoffPolicy;
  private readonly publishTimeoutMs: number;

  constructor(private readonly options: OutboxOptions) {
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.backoff = { baseMs: 100, maxMs: options.maxBackoffMs ?? 2_000 };
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.serviceDir = join(options.root, options.service);
    this.own = claimProcessDir(this.serviceDir);
    this.journal = new Journal(this.own.path, {
      segmentMaxBytes: options.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES,
    });
    this.adoptAbandoned();
    this.adoptTimer = setInterval(
      () => this.adoptAbandoned(),
      options.adoptEveryMs ?? DEFAULT_ADOPT_EVERY_MS,
    );
    this.adoptTimer.unref();
  }

  /** Messages not yet stored by JetStream. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Journals the message (durable once this returns) and queues it for the relay; the promise
   * settles once JetStream has stored it. Rejects when closed, or when too much already waits.
   */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('outbox is closed'));
    if (this.pendingBytes + data.byteLength > this.maxPendingBytes) {
      this.options.logger.error(
        { subject, msgId, pendingBytes: this.pendingBytes, pending: this.queue.length },
        'outbox full: message refused (JetStream has been unreachable for long)',
      );
      this.options.onOutcome?.('dropped');
      return Promise.reject(new Error(`outbox full: ${this.pendingBytes} bytes wait for JetStream`));
    }
    const seq = this.journalAppend(subject, msgId, data);
    return new Promise((resolve) => this.enqueue({ subject, data, msgId, seq, done: resolve, attempts: 0 }));
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

  /**
   * Stops relaying. A journal with nothing left is deleted; otherwise it stays on disk, and the
   * service's next process (or a live sibling, within a minute) relays what is in it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.adoptTimer);
    this.journalAck(this.settledSeq);
    this.journal.close();
    this.own.release();
    if (this.queue.length === 0 && this.journal.unacked === 0) {
      rmSync(this.own.path, { recursive: true, force: true });
      return;
    }
    this.options.logger.error(
      { pending: this.queue.length, journal: this.own.path },
      'outbox closed with unpublished messages: they stay in the journal for the next start',
    );
  }

  private journalAppend(subject: string, msgId: string, data: Uint8Array): number | undefined {
    try {
      return this.journal.append(subject, msgId, data);
    } catch (error) {
      this.options.logger.error(
        { err: error, subject, msgId, journal: this.own.path },
        'outbox journal write failed: message kept in memory only',
      );
      return undefined;
    }
  }

  private enqueue(entry: Pending): void {
    this.queue.push(entry);
    this.pendingBytes += entry.data.byteLength;
    void this.run();
  }

  /** Takes over the journals of dead processes of this service, oldest messages first. */
  private adoptAbandoned(): void {
    for (const abandoned of abandonedSiblings(this.serviceDir)) {
      try {
        this.adopt(abandoned);
      } catch (error) {
        this.options.logger.error({ err: error, journal: abandoned }, 'outbox: adopting a journal failed');
      }
    }
  }

  private adopt(abandoned: string): void {
    const moved = adoptInto(this.own, abandoned);
    if (!moved) return;
    const entries = readPending(moved, this.options.logger);
    for (const { subject, msgId, data } of entries) {
      const seq = this.journalAppend(subject, msgId, data);
      this.enqueue({ subject, data, msgId, seq, done: () => {}, attempts: 0 });
    }
    rmSync(moved, { recursive: true, force: true });
    if (entries.length > 0) {
      this.options.logger.warn(
        { from: abandoned, messages: entries.length },
        'outbox: relaying messages a dead process of this service had not published',
      );
    }
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const next = this.queue[0] as Pending;
        if (await this.send(next)) this.settle(next);
        else await sleep(backoffDelay({ ...this.backoff, attempt: next.attempts }));
      }
    } finally {
      this.running = false;
    }
  }

  private async send(next: Pending): Promise<boolean> {
    try {
      const ack = await this.options.js.publish(next.subject, next.data, {
        msgID: next.msgId,
        timeout: this.publishTimeoutMs,
      });
      this.options.onOutcome?.(ack.duplicate ? 'duplicate' : 'published');
      return true;
    } catch (error) {
      next.attempts++;
      this.options.onOutcome?.('retry');
      if (next.attempts === 1 || next.attempts % 20 === 0) {
        this.options.logger.warn(
          { err: error, subject: next.subject, msgId: next.msgId, attempts: next.attempts },
          'jetstream publish failed, will retry',
        );
      }
      return false;
    }
  }

  private settle(next: Pending): void {
    this.queue.shift();
    this.pendingBytes -= next.data.byteLength;
    // One ack line per batch (or when the queue empties) halves the writes of a busy relay; a
    // crash re-sends at most a batch, which JetStream drops as duplicates. Once closed the journal
    // is shut: what was stored meanwhile is replayed by the next process and de-duplicated.
    if (next.seq !== undefined) this.settledSeq = next.seq;
    const batchEnd = this.queue.length === 0 || this.settledSeq % ACK_BATCH === 0;
    if (batchEnd && !this.closed) this.journalAck(this.settledSeq);
    next.done();
  }

  private journalAck(seq: number): void {
    try {
      this.journal.ack(seq);
    } catch (error) {
      this.options.logger.error({ err: error, seq, journal: this.own.path }, 'outbox journal ack failed');
    }
  }
}
