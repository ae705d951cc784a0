import { EventEmitter } from 'node:events';
import type { CallAnswer } from '@voice/shared/contracts';

/** A call's answer and the revision it was written at (what a compare-and-set compares). */
export interface LedgerEntry {
  answer: CallAnswer;
  revision: number;
}

/**
 * Where the gateways agree on each call's webhook answer: a compare-and-set store keyed by
 * CallSid, shared by every instance (NATS KV in production, `createNatsAnswerLedger`). A
 * `create` succeeds for exactly one writer however many instances race, which is what makes
 * one claim per call hold across gateways.
 */
export interface AnswerLedger {
  /** Writes the call's first entry; undefined when it has one already. */
  create(callSid: string, answer: CallAnswer): Promise<number | undefined>;
  /** The call's entry; undefined when it has none (never asked, deleted, or expired). */
  read(callSid: string): Promise<LedgerEntry | undefined>;
  /** Replaces the entry if it is still at `revision`; undefined when someone else wrote it since. */
  replace(callSid: string, answer: CallAnswer, revision: number): Promise<number | undefined>;
  /** Deletes the entry if it is still at `revision`, so the next attempt starts afresh. */
  release(callSid: string, revision: number): Promise<void>;
  /** Resolves once the entry is no longer at `revision` (rewritten or deleted), or after `timeoutMs`. */
  changed(callSid: string, revision: number, timeoutMs: number): Promise<void>;
}

/**
 * The ledger of one process: enough for a single gateway (and the unit tests), where every
 * attempt reaches the same instance. Several instances need the shared one.
 */
export class MemoryAnswerLedger implements AnswerLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private revision = 0;

  async create(callSid: string, answer: CallAnswer): Promise<number | undefined> {
    if (this.entries.has(callSid)) return undefined;
    return this.write(callSid, answer);
  }

  async read(callSid: string): Promise<LedgerEntry | undefined> {
    return this.entries.get(callSid);
  }

  async replace(callSid: string, answer: CallAnswer, revision: number): Promise<number | undefined> {
    if (this.entries.get(callSid)?.revision !== revision) return undefined;
    return this.write(callSid, answer);
  }

  async release(callSid: string, revision: number): Promise<void> {
    if (this.entries.get(callSid)?.revision !== revision) return;
    this.entries.delete(callSid);
    this.changes.emit(callSid);
  }

  changed(callSid: string, revision: number, timeoutMs: number): Promise<void> {
    if (this.entries.get(callSid)?.revision !== revision) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off(callSid, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.changes.on(callSid, done);
    });
  }

  private write(callSid: string, answer: CallAnswer): number {
    this.revision++;
    this.entries.set(callSid, { answer, revision: this.revision });
    this.changes.emit(callSid);
    return this.revision;
  }
}
