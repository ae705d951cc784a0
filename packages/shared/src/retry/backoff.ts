/** How the pause before a repeated attempt grows: exponential from `baseMs`, capped, optionally jittered. */
export interface BackoffPolicy {
  /** The pause before the first repeat; it doubles with each further one. */
  baseMs: number;
  /** No pause is longer, jitter included. Unbounded when absent (callers that give up after a few tries). */
  maxMs?: number;
  /**
   * The pause is multiplied by a factor drawn uniformly from this range: `[0.9, 1.1]` is ±10 %,
   * `[0.5, 1]` is half fixed, half random. Work that failed together (an outage) then does not
   * all come back at the same instant. No jitter when absent.
   */
  jitter?: readonly [low: number, high: number];
}

export interface BackoffAttempt extends BackoffPolicy {
  /** 1-based: 1 waits `baseMs`. A JetStream delivery count can be passed as is. */
  attempt: number;
  random?: () => number;
}

/** The pause (whole ms) before repeat `attempt` under a backoff policy. */
export function backoffDelay({
  attempt,
  baseMs,
  maxMs = Number.POSITIVE_INFINITY,
  jitter,
  random = Math.random,
}: BackoffAttempt): number {
  // Past ~1000 doublings the power is Infinity, which the cap absorbs.
  const capped = Math.min(maxMs, baseMs * 2 ** Math.max(attempt - 1, 0));
  const factor = jitter ? jitter[0] + (jitter[1] - jitter[0]) * random() : 1;
  return Math.round(Math.min(maxMs, capped * factor));
}
