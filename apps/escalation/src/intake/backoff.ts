/** The first redelivery comes this soon; each further one waits twice as long, up to the cap. */
const FIRST_BACKOFF_MS = 500;
/** ±10 %: requests that failed together during an outage do not all come back at the same instant. */
const JITTER = 0.1;
const MAX_DOUBLINGS = 20;

/** Redelivery delay of a request that failed transiently, from its delivery count (1 = first). */
export function backoffMs(deliveryCount: number, maxMs: number, random: () => number = Math.random): number {
  const doublings = Math.min(Math.max(deliveryCount - 1, 0), MAX_DOUBLINGS);
  const base = Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** doublings);
  return Math.round(Math.min(maxMs, base * (1 - JITTER + 2 * JITTER * random())));
}
