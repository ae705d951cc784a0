import { describe, expect, it } from 'vitest';
import { FrameGuard } from './frame-guard.js';

describe('FrameGuard', () => {
  it('tolerates up to the limit within the window, and trips on one more', () => {
    const guard = new FrameGuard({ maxBadFrames: 3, windowMs: 1_000 });
    expect([guard.recordBad(0), guard.recordBad(10), guard.recordBad(20)]).toEqual([false, false, false]);
    expect(guard.recordBad(30)).toBe(true);
  });

  it('forgets bad frames older than the window', () => {
    const guard = new FrameGuard({ maxBadFrames: 2, windowMs: 1_000 });
    guard.recordBad(0);
    guard.recordBad(500);
    expect(guard.recordBad(1_000)).toBe(false);
    expect(guard.recordBad(1_600)).toBe(false);
    expect(guard.recordBad(1_650)).toBe(true);
  });
});
