import type { LevelResult, ProcessUsage } from '../report/results.js';

/** Fewer levels than this give no slope worth reporting. */
const MIN_LEVELS = 2;
const SECONDS_PER_MINUTE = 60;
const PERCENT = 100;

/**
 * Per live call, for each process of one system: the least-squares slope of a measure against
 * the level's calls. One level's figure carries fixed costs (timers, heartbeats, the tool
 * probe) and the garbage collector's timing; a slope over several levels is the marginal cost.
 */
function slopes(
  levels: readonly LevelResult[],
  measure: (process: ProcessUsage) => number | null,
  digits: number,
): Record<string, number> {
  const byRole = new Map<string, Array<[number, number]>>();
  for (const level of levels) {
    for (const process of level.processes) {
      const value = measure(process);
      if (process.owner === 'harness' || value === null) continue;
      const points = byRole.get(process.role) ?? [];
      points.push([level.calls, value]);
      byRole.set(process.role, points);
    }
  }
  const result: Record<string, number> = {};
  const factor = 10 ** digits;
  for (const [role, points] of byRole) {
    if (new Set(points.map(([calls]) => calls)).size < MIN_LEVELS) continue;
    result[role] = Math.round(slope(points) * factor) / factor;
  }
  return result;
}

/** Resident memory (MB) per live call: the slope of memory at the end of each window. */
export function memoryPerCall(levels: readonly LevelResult[]): Record<string, number> {
  return slopes(levels, (p) => p.rssMb, 3);
}

/**
 * Marginal CPU seconds per call-minute: the slope of each process's CPU share against calls,
 * over the levels that held (a saturated level's CPU is capped, not proportional).
 */
export function marginalCpuPerCallMinute(levels: readonly LevelResult[]): Record<string, number> {
  const held = levels.filter((level) => level.verdict.held);
  return slopes(held, (p) => (p.corePercent / PERCENT) * SECONDS_PER_MINUTE, 4);
}

function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
