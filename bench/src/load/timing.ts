import { monotonicMs } from '../clock.js';

/** Resolves at `atMs` on the monotonic clock (at once if it has passed). */
export function sleepUntil(atMs: number): Promise<void> {
  const delay = atMs - monotonicMs();
  return delay <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, delay));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The promise's value, or `onTimeout()` once `timeoutMs` has passed without one. */
export async function within<T, F>(
  promise: Promise<T>,
  timeoutMs: number,
  onTimeout: () => F,
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
