import { describe, expect, it } from 'vitest';
import { FrameRateLimit } from './frame-rate-limit.js';

describe('FrameRateLimit', () => {
  it('lets a burst through, then only the sustained rate', () => {
    const limit = new FrameRateLimit(100, 5);
    const burst = Array.from({ length: 8 }, () => limit.take(0));
    expect(burst).toEqual([true, true, true, true, true, false, false, false]);
    expect(limit.take(10)).toBe(true);
    expect(limit.take(10)).toBe(false);
  });

  it('never lets a real-time stream run dry', () => {
    const limit = new FrameRateLimit(150, 300);
    for (let frame = 0; frame < 50 * 60; frame++) expect(limit.take(frame * 20)).toBe(true);
  });

  it('refills no higher than the burst, and ignores a clock that goes back', () => {
    const limit = new FrameRateLimit(1_000, 3);
    expect(limit.take(0)).toBe(true);
    expect([limit.take(60_000), limit.take(60_000), limit.take(60_000)]).toEqual([true, true, true]);
    expect(limit.take(60_000)).toBe(false);
    expect(limit.take(59_000)).toBe(false);
  });
});
