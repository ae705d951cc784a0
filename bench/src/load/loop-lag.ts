import { monitorEventLoopDelay } from 'node:perf_hooks';
import { monotonicMs } from '../clock.js';
import type { Window } from '../stats/frame-tally.js';
import type { LoopLag } from './ipc.js';

/** The histogram's timer period: what it records is this plus the lag. */
const RESOLUTION_MS = 5;
const NS_PER_MS = 1_000_000;

/**
 * This process's own event-loop delay over a level's window: a load process that lags would
 * add its lag to every latency it measures, so the benchmark reports it next to them.
 */
export class LoopLagWindow {
  private readonly histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timers: NodeJS.Timeout[] = [];
  private measured: LoopLag = null;

  constructor() {
    this.histogram.enable();
  }

  arm(window: Window): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.measured = null;
    const now = monotonicMs();
    this.timers = [
      setTimeout(() => this.histogram.reset(), Math.max(0, window.fromMs - now)),
      setTimeout(() => this.snapshot(), Math.max(0, window.toMs - now)),
    ];
  }

  get lag(): LoopLag {
    return this.measured;
  }

  private snapshot(): void {
    const lag = (ns: number) => Math.max(0, Math.round((ns / NS_PER_MS - RESOLUTION_MS) * 1_000) / 1_000);
    this.measured = {
      p50: lag(this.histogram.percentile(50)),
      p99: lag(this.histogram.percentile(99)),
      max: lag(this.histogram.max),
    };
  }
}
