/**
 * One clock for every process of a run. `process.hrtime` reads CLOCK_MONOTONIC, which on Linux
 * is system-wide: a time taken in one process can be subtracted from a time taken in another.
 * Every timestamp the benchmark compares across processes is in these milliseconds.
 */
const NS_PER_MS = 1_000_000;
const CALIBRATION_READS = 9;

export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / NS_PER_MS;
}

/**
 * `performance.now()` reads the same monotonic clock from a per-process origin; the testkit's
 * hooks report their times that way. Returns the converter to `monotonicMs`, calibrated as the
 * median of a few paired reads (the pair is microseconds apart).
 */
export function performanceToMonotonic(): (performanceNow: number) => number {
  const offsets: number[] = [];
  for (let i = 0; i < CALIBRATION_READS; i++) {
    const before = performance.now();
    const mono = monotonicMs();
    const after = performance.now();
    offsets.push(mono - (before + after) / 2);
  }
  offsets.sort((a, b) => a - b);
  const offset = offsets[Math.floor(offsets.length / 2)] as number;
  return (performanceNow) => performanceNow + offset;
}
