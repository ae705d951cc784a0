/**
 * How much of the caller's wait is kept back for the reply to travel and the outcome to be
 * recorded: at most this much, and at most a fifth of a short budget.
 */
export const REPLY_MARGIN_MS = 250;
const REPLY_MARGIN_SHARE = 0.2;
/** A tool gets at least this long, however short the budget, so a reply is still a real attempt. */
export const MIN_RUN_MS = 20;

/** How long a request may take in total: the shorter of the caller's wait and the tool's limit, less a margin. */
export function budgetMs(requestTimeoutMs: number, toolTimeoutMs: number): number {
  const limit = Math.min(requestTimeoutMs, toolTimeoutMs);
  return Math.max(MIN_RUN_MS, limit - Math.min(REPLY_MARGIN_MS, limit * REPLY_MARGIN_SHARE));
}

/** How work run under a deadline ended. */
export type DeadlineOutcome<T> =
  | { status: 'done'; value: T }
  | { status: 'failed'; error: unknown }
  | { status: 'expired' };

/** The reason a deadline signal carries, so handlers can tell it from other aborts. */
export class DeadlineExceededError extends Error {
  constructor(ms: number) {
    super(`deadline of ${ms} ms exceeded`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Runs `work` with an abort signal that fires after `ms`. Resolves as soon as the work settles
 * or the deadline passes, whichever is first; a late settlement is observed (never an
 * unhandled rejection) and otherwise ignored, so it can never become a second outcome.
 */
export function runWithDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
): Promise<DeadlineOutcome<T>> {
  const controller = new AbortController();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: DeadlineOutcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(
      () => {
        settle({ status: 'expired' });
        controller.abort(new DeadlineExceededError(ms));
      },
      Math.max(0, ms),
    );
    let running: Promise<T>;
    try {
      running = work(controller.signal);
    } catch (error) {
      settle({ status: 'failed', error });
      return;
    }
    running.then(
      (value) => settle({ status: 'done', value }),
      (error: unknown) => settle({ status: 'failed', error }),
    );
  });
}
