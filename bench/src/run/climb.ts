import { monotonicMs } from '../clock.js';
import { estimateLevelMs } from '../load/schedule.js';
import type { CapacityResult, LevelResult } from '../report/results.js';
import type { SystemName, SystemUnderTest } from '../systems/system-under-test.js';
import { SMOOTH, type TrafficShape } from '../traffic/shape.js';
import { type BenchContext, runLevel } from './level-runner.js';
import { limitingFactor } from './limits.js';
import { marginalCpuPerCallMinute, memoryPerCall } from './per-call-slopes.js';

/** The levels to climb, how far to refine, and when to stop starting levels. */
export interface ClimbOptions {
  levels: readonly number[];
  /** Every level runs under each of these, for each system. */
  traffic: readonly TrafficShape[];
  refineSteps: number;
  /** Go on through the levels after one broke; capacity is still the last level below it that held. */
  everyLevel: boolean;
  /** Calls of the unreported warm-up level per system (0: none). */
  warmUpCalls: number;
  /** Monotonic ms after which no level may still be running. */
  deadlineMs: number;
}

interface Progress {
  system: SystemUnderTest;
  traffic: TrafficShape;
  lastHeld: number | null;
  firstBroken: LevelResult | null;
  stoppedBy: CapacityResult['stoppedBy'];
}

/**
 * A level during which other programs kept this much CPU busy (cores) is run once more, after
 * the machine has quietened: its figures are as much theirs as the system's. The quieter run
 * of the two is kept.
 */
const OTHER_LOAD_RERUN_CORES = 0.3;
/** Time to get back to idle between levels (estimate for the budget). */
const BETWEEN_LEVELS_MS = 5_000;
/** The warm-up level's window: long enough to run the hot path hot before the first measured level. */
const WARM_UP_HOLD_MS = 2_000;

/**
 * Climbs the levels for each traffic shape and system, one level at a time for all of them
 * (ours, then the baseline, under each shape, at the same load), until a level breaks; then
 * bisects between the last level that held and the first that broke. Capacity is the highest
 * level that held, per shape and system.
 */
export async function climb(
  ctx: BenchContext,
  systems: readonly SystemUnderTest[],
  options: ClimbOptions,
  /** Each level as it finishes; with a note when it is about to be run again. */
  onResult: (result: LevelResult, note?: string) => void,
): Promise<{ results: LevelResult[]; capacities: CapacityResult[] }> {
  const results: LevelResult[] = [];
  const progress = options.traffic.flatMap((traffic) =>
    systems.map<Progress>((system) => ({
      system,
      traffic,
      lastHeld: null,
      firstBroken: null,
      stoppedBy: 'levels_exhausted',
    })),
  );
  const fits = (calls: number) =>
    monotonicMs() + estimateLevelMs(calls, ctx.plan) + BETWEEN_LEVELS_MS <= options.deadlineMs;
  const run = async (entry: Progress, calls: number) => {
    let result = await runLevel(ctx, entry.system, calls, entry.traffic);
    if (ctx.avoidOtherLoad && result.unattributedCores >= OTHER_LOAD_RERUN_CORES && fits(calls)) {
      onResult(result, `re-running: ${result.unattributedCores} cores of other load during the window`);
      const again = await runLevel(ctx, entry.system, calls, entry.traffic);
      if (again.unattributedCores < result.unattributedCores) result = again;
    }
    results.push(result);
    onResult(result);
    const belowBreak = !entry.firstBroken || calls < entry.firstBroken.calls;
    if (result.verdict.held) {
      if (belowBreak) entry.lastHeld = Math.max(entry.lastHeld ?? 0, calls);
    } else if (!entry.firstBroken || calls < entry.firstBroken.calls) entry.firstBroken = result;
  };

  if (options.warmUpCalls > 0) {
    const warmUp = { ...ctx, plan: { ...ctx.plan, holdMs: WARM_UP_HOLD_MS } };
    const traffic = options.traffic[0] ?? SMOOTH;
    for (const system of systems) await runLevel(warmUp, system, options.warmUpCalls, traffic);
  }
  for (const calls of options.levels) {
    for (const entry of progress) {
      if ((entry.firstBroken && !options.everyLevel) || entry.stoppedBy === 'time_budget') continue;
      if (!fits(calls)) {
        entry.stoppedBy = 'time_budget';
        continue;
      }
      await run(entry, calls);
      if (entry.firstBroken) entry.stoppedBy = 'broke';
    }
  }
  for (let step = 0; step < options.refineSteps; step++) {
    for (const entry of progress) {
      const broken = entry.firstBroken?.calls;
      const held = entry.lastHeld ?? 0;
      if (broken === undefined) continue;
      const middle = roundLevel((held + broken) / 2);
      if (middle <= held || middle >= broken || !fits(middle)) continue;
      await run(entry, middle);
    }
  }
  return {
    results,
    capacities: progress.map((entry) => {
      const own = results.filter((r) => r.system === entry.system.name && r.traffic === entry.traffic.name);
      return {
        system: entry.system.name as SystemName,
        traffic: entry.traffic.name,
        capacity: entry.lastHeld,
        firstBroken: entry.firstBroken?.calls ?? null,
        stoppedBy: entry.stoppedBy,
        limitedBy: entry.firstBroken ? limitingFactor(entry.firstBroken) : null,
        rssPerCallMb: memoryPerCall(own),
        cpuPerCallMinute: marginalCpuPerCallMinute(own),
      };
    }),
  };
}

/** Levels in round numbers: tens above 50, fives below. */
function roundLevel(calls: number): number {
  const step = calls > 50 ? 10 : 5;
  return Math.max(1, Math.round(calls / step) * step);
}
