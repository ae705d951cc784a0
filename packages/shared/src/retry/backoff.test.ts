import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const middle = () => 0.5;
  const tenPercent = { baseMs: 500, jitter: [0.9, 1.1] } as const;

  it('doubles from the base with each attempt', () => {
    expect(
      [1, 2, 3, 4].map((attempt) => backoffDelay({ ...tenPercent, attempt, maxMs: 60_000, random: middle })),
    ).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3].map((attempt) => backoffDelay({ baseMs: 200, attempt }))).toEqual([200, 400, 800]);
  });

  it('never exceeds the cap, jitter included', () => {
    expect(backoffDelay({ ...tenPercent, attempt: 50, maxMs: 30_000, random: () => 1 })).toBe(30_000);
    expect(backoffDelay({ ...tenPercent, attempt: 50, maxMs: 30_000, random: () => 0 })).toBe(27_000);
    expect(backoffDelay({ baseMs: 250, attempt: 5_000, maxMs: 15_000 })).toBe(15_000);
  });

  it('spreads retries over the jitter range', () => {
    expect(backoffDelay({ ...tenPercent, attempt: 2, maxMs: 60_000, random: () => 0 })).toBe(900);
    expect(backoffDelay({ ...tenPercent, attempt: 2, maxMs: 60_000, random: () => 1 })).toBe(1_100);
    expect(backoffDelay({ baseMs: 100, jitter: [0.5, 1], attempt: 1, random: () => 0 })).toBe(50);
  });

  it('waits the base before a first attempt counted from zero', () => {
    expect(backoffDelay({ baseMs: 250, attempt: 0 })).toBe(250);
  });
});
