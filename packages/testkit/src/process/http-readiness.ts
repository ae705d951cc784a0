import { setTimeout as delay } from 'node:timers/promises';

/** How waiting for a ready URL ended. */
export type HttpReadiness = 'ready' | 'exited' | 'timed-out';

const POLL_INTERVAL_MS = 100;
const REQUEST_TIMEOUT_MS = 2_000;

/** Polls `url` with GET until it answers 200, the process exits (`exited` settles) or time runs out. */
export async function waitForHttpOk(
  url: string,
  timeoutMs: number,
  exited: Promise<unknown>,
): Promise<HttpReadiness> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!hasExited && Date.now() < deadline) {
    if (await answersOk(url, Math.min(REQUEST_TIMEOUT_MS, Math.max(1, deadline - Date.now()))))
      return 'ready';
    await Promise.race([delay(POLL_INTERVAL_MS), exited]);
  }
  return hasExited ? 'exited' : 'timed-out';
}

async function answersOk(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    // Refused or timed out: the server is not listening yet.
    return false;
  }
}
