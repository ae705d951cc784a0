import { describe, expect, it } from 'vitest';
import { callStartMs, estimateLevelMs, type LevelPlan, planLevel } from './schedule.js';

const PLAN: LevelPlan = {
  rampPerSecond: 50,
  settleMs: 2_000,
  holdMs: 15_000,
  drainMs: 1_000,
  bargeSpreadMs: 2_000,
  afterBargeMs: 2_500,
};

describe('planLevel', () => {
  it('ramps, settles, holds the window, then barges in and hangs up, in that order', () => {
    const schedule = planLevel(100, PLAN, 10_000);
    expect(schedule.rampIntervalMs).toBe(20);
    expect(schedule.startAtMs).toBe(10_500);
    expect(schedule.window).toEqual({ fromMs: 10_500 + 2_000 + 20 + 2_000, toMs: 14_520 + 15_000 });
    expect(schedule.bargeAtMs).toBe(schedule.window.toMs + 1_000);
    expect(schedule.bargeAtMs + 99 * schedule.bargeStepMs).toBeCloseTo(schedule.bargeAtMs + 2_000);
    expect(schedule.hangUpAtMs).toBe(schedule.bargeAtMs + 4_500);
  });

  it('estimates a level from its first webhook to its last hang-up', () => {
    expect(estimateLevelMs(1, PLAN)).toBeGreaterThan(PLAN.holdMs);
    expect(estimateLevelMs(400, PLAN) - estimateLevelMs(100, PLAN)).toBe(300 * 20);
  });

  it('spreads the calls over every phase of a 20 ms frame, so their frames do not all leave at once', () => {
    const schedule = planLevel(50, PLAN, 0);
    const phases = Array.from({ length: 50 }, (_, i) => (callStartMs(schedule, i) - schedule.startAtMs) % 20);
    const buckets = new Set(phases.map((phase) => Math.floor(phase / 2)));
    expect(buckets.size).toBe(10);
    expect(callStartMs(schedule, 49)).toBeLessThan(schedule.window.fromMs);
  });
});
