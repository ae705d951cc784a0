import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StallingPath } from './network-stalls.js';

describe('StallingPath (network stalls between Twilio and the gateway)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds every message during a stall and delivers them together, in order, when it ends', () => {
    let elapsed = 0;
    const delivered: Array<[string, number]> = [];
    const path = new StallingPath(
      { everyMs: 1_000, stallMs: 200 },
      () => elapsed,
      (m) => delivered.push([m, elapsed]),
    );
    // A frame every 20 ms for 1.4 s: the stall from 1,000 to 1,200 ms bunches ten of them.
    for (let frame = 0; frame < 70; frame++) {
      elapsed = frame * 20;
      vi.advanceTimersByTime(elapsed - (frame === 0 ? 0 : (frame - 1) * 20));
      path.send(`f${frame}`);
    }
    vi.runAllTimers();
    expect(delivered.map(([m]) => m)).toEqual(Array.from({ length: 70 }, (_, i) => `f${i}`));
    const burst = delivered.filter(([m]) => Number(m.slice(1)) >= 50 && Number(m.slice(1)) < 60);
    expect(burst).toHaveLength(10);
    expect(new Set(burst.map(([, at]) => at)).size).toBe(1);
  });

  it('is smooth when no stalls are configured, and refuses a stall as long as its period', () => {
    const delivered: string[] = [];
    new StallingPath(
      undefined,
      () => 1_000,
      (m) => delivered.push(m),
    ).send('now');
    expect(delivered).toEqual(['now']);
    expect(
      () =>
        new StallingPath(
          { everyMs: 100, stallMs: 100 },
          () => 0,
          () => {},
        ),
    ).toThrow(/stallMs/);
  });

  it('flushes what is held at once (before `stop`), and drops it when the socket is gone', () => {
    let elapsed = 1_050;
    const delivered: string[] = [];
    const path = new StallingPath(
      { everyMs: 1_000, stallMs: 200 },
      () => elapsed,
      (m) => delivered.push(m),
    );
    path.send('a');
    path.flush();
    expect(delivered).toEqual(['a']);
    path.send('b');
    path.close();
    elapsed = 2_000;
    vi.runAllTimers();
    expect(delivered).toEqual(['a']);
  });
});
