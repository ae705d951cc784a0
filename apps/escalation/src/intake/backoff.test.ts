import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  const middle = () => 0.5;

  it('doubles from half a second with each delivery', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 60_000, middle))).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('never exceeds the cap, jitter included', () => {
    expect(backoffMs(50, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(50, 30_000, () => 0)).toBe(27_000);
  });

  it('spreads retries by at most ten percent', () => {
    expect(backoffMs(2, 60_000, () => 0)).toBe(900);
    expect(backoffMs(2, 60_000, () => 1)).toBe(1_100);
  });
});
