import { describe, expect, it } from 'vitest';
import { budgetMs, DeadlineExceededError, MIN_RUN_MS, REPLY_MARGIN_MS, runWithDeadline } from './deadline.js';

describe('budgetMs', () => {
  it("takes the shorter of the caller's wait and the tool's limit, less a margin for the reply", () => {
    expect(budgetMs(8_000, 5_000)).toBe(5_000 - REPLY_MARGIN_MS);
    expect(budgetMs(3_000, 10_000)).toBe(3_000 - REPLY_MARGIN_MS);
    // A short budget keeps a fifth for the reply.
    expect(budgetMs(500, 10_000)).toBe(400);
    expect(budgetMs(10, 10)).toBe(MIN_RUN_MS);
  });
});

describe('runWithDeadline', () => {
  it('returns the value of work that finishes in time', async () => {
    expect(await runWithDeadline(async () => 42, 1_000)).toEqual({ status: 'done', value: 42 });
  });

  it('returns what the work threw, synchronously or not', async () => {
    const boom = new Error('boom');
    expect(await runWithDeadline(async () => Promise.reject(boom), 1_000)).toEqual({
      status: 'failed',
      error: boom,
    });
    expect(
      await runWithDeadline(() => {
        throw boom;
      }, 1_000),
    ).toEqual({ status: 'failed', error: boom });
  });

  it('expires, aborts the signal with a deadline reason, and ignores a late result', async () => {
    let seen: AbortSignal | undefined;
    let finishLate: (value: string) => void = () => {};
    const outcome = await runWithDeadline((signal) => {
      seen = signal;
      return new Promise<string>((resolve) => {
        finishLate = resolve;
      });
    }, 20);
    expect(outcome).toEqual({ status: 'expired' });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(DeadlineExceededError);
    finishLate('too late');
  });

  it('does not leave an unhandled rejection when abandoned work fails later', async () => {
    let failLate: (error: Error) => void = () => {};
    const outcome = await runWithDeadline(
      () =>
        new Promise<never>((_resolve, reject) => {
          failLate = reject;
        }),
      10,
    );
    expect(outcome.status).toBe('expired');
    failLate(new Error('late failure'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
