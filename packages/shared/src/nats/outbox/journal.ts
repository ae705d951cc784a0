import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ackLineOf, messageLineOf } from './journal-record.js';

/** Segment files sort by name in the order they were written. */
export const SEGMENT_PATTERN = /^segment-\d{9}\.jsonl$/;
const segmentName = (index: number) => `segment-${String(index).padStart(9, '0')}.jsonl`;

interface Segment {
  path: string;
  /** The highest message sequence written to this segment or any before it. */
  lastSeq: number;
}

export interface JournalOptions {
  /** A segment is closed and a new one started once it holds this many bytes. */
  segmentMaxBytes: number;
}

/**
 * One process's append-only journal: a line per message and a line per acknowledgement, in
 * segment files. A line is handed to the kernel before `append` returns, so it survives the
 * process being killed (not the machine losing power: there is no fsync). Acknowledgements
 * come in sequence order (the relay publishes in order), so one line says "all up to n".
 * A segment whose messages are all acknowledged is deleted, once it is no longer written to.
 */
export class Journal {
  private readonly segments: Segment[] = [];
  private fd = -1;
  private activeBytes = 0;
  private segmentIndex = 0;
  private lastSeq = 0;
  private acked = 0;

  constructor(
    readonly dir: string,
    private readonly options: JournalOptions,
  ) {
    mkdirSync(dir, { recursive: true });
    this.startSegment();
  }

  /** Messages written and not yet acknowledged. */
  get unacked(): number {
    return this.lastSeq - this.acked;
  }

  /** Writes the message and returns its sequence number; throws when the disk refuses. */
  append(subject: string, msgId: string, data: Uint8Array): number {
    const seq = this.lastSeq + 1;
    this.write(messageLineOf({ seq, subject, msgId, data }));
    this.lastSeq = seq;
    (this.segments.at(-1) as Segment).lastSeq = seq;
    this.rotateIfFull();
    return seq;
  }

  /** Records that every message up to `seq` is stored, and deletes segments that hold nothing else. */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.write(ackLineOf(seq));
    this.acked = seq;
    this.rotateIfFull();
    while (this.segments.length > 1 && (this.segments[0] as Segment).lastSeq <= this.acked) {
      rmSync((this.segments.shift() as Segment).path, { force: true });
    }
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private write(line: string): void {
    const bytes = Buffer.from(line);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    this.activeBytes += bytes.length;
  }

  private rotateIfFull(): void {
    if (this.activeBytes < this.options.segmentMaxBytes) return;
    this.close();
    this.startSegment();
  }

  private startSegment(): void {
    this.segmentIndex++;
    const path = join(this.dir, segmentName(this.segmentIndex));
    this.fd = openSync(path, 'a');
    this.activeBytes = 0;
    this.segments.push({ path, lastSeq: this.lastSeq });
  }
}
