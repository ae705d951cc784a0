import { SampleBuffer, type Summary, summarise } from './summary.js';

/** A measured window on the monotonic clock: only frames sent inside it count. */
export interface Window {
  fromMs: number;
  toMs: number;
}

/** Per stream, as the receiving side saw it. */
interface StreamArrivals {
  received: number;
  lastSeq: number;
  reordered: number;
  duplicates: number;
}

/** What one receiving side reports for one direction. */
export interface ArrivalReport {
  latency: Summary;
  /** `[stream, frames received]` for every stream seen. */
  received: Array<[number, number]>;
  reordered: number;
  duplicates: number;
  /** Media frames that carried no readable marker (should be none). */
  unmarked: number;
}

/**
 * The receiving side of one direction: for frames sent inside the window, the one-way latency
 * (arrival − sent, both on the monotonic clock), how many arrived per stream, and how many came
 * out of order (a sequence number below one already seen on that stream).
 */
export class ArrivalTally {
  private window: Window | undefined;
  private readonly streams = new Map<number, StreamArrivals>();
  private readonly latencies = new SampleBuffer();
  private unmarked = 0;

  /** Starts a new window; what was counted before is forgotten. */
  reset(window: Window): void {
    this.window = window;
    this.streams.clear();
    this.latencies.clear();
    this.unmarked = 0;
  }

  record(stream: number, seq: number, sentAtMs: number, arrivedAtMs: number): void {
    const window = this.window;
    if (!window || sentAtMs < window.fromMs || sentAtMs > window.toMs) return;
    let arrivals = this.streams.get(stream);
    if (!arrivals) {
      arrivals = { received: 0, lastSeq: -1, reordered: 0, duplicates: 0 };
      this.streams.set(stream, arrivals);
    }
    if (seq === arrivals.lastSeq) {
      arrivals.duplicates++;
      return;
    }
    if (seq < arrivals.lastSeq) arrivals.reordered++;
    else arrivals.lastSeq = seq;
    arrivals.received++;
    this.latencies.push(arrivedAtMs - sentAtMs);
  }

  recordUnmarked(): void {
    if (this.window) this.unmarked++;
  }

  report(): ArrivalReport {
    let reordered = 0;
    let duplicates = 0;
    const received: Array<[number, number]> = [];
    for (const [stream, arrivals] of this.streams) {
      received.push([stream, arrivals.received]);
      reordered += arrivals.reordered;
      duplicates += arrivals.duplicates;
    }
    return {
      latency: summarise(this.latencies.view()),
      received,
      reordered,
      duplicates,
      unmarked: this.unmarked,
    };
  }
}

/** The sending side of one direction: frames sent inside the window, per stream. */
export class SendTally {
  private window: Window | undefined;
  private readonly sent = new Map<number, number>();

  reset(window: Window): void {
    this.window = window;
    this.sent.clear();
  }

  /** Counts a frame if `sentAtMs` is inside the window. */
  record(stream: number, sentAtMs: number): void {
    const window = this.window;
    if (!window || sentAtMs < window.fromMs || sentAtMs > window.toMs) return;
    this.sent.set(stream, (this.sent.get(stream) ?? 0) + 1);
  }

  report(): Array<[number, number]> {
    return [...this.sent];
  }
}

/** Frames sent in the window that never arrived, over every stream. */
export function lostFrames(sent: Array<[number, number]>, received: Array<[number, number]>): number {
  const arrived = new Map(received);
  let lost = 0;
  for (const [stream, count] of sent) lost += Math.max(0, count - (arrived.get(stream) ?? 0));
  return lost;
}

/** Total of `[key, count]` pairs. */
export function totalOf(counts: Array<[number, number]>): number {
  let total = 0;
  for (const [, count] of counts) total += count;
  return total;
}
