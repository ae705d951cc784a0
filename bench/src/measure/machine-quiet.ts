import { machineCpuMs } from './proc.js';

const SAMPLE_MS = 2_000;

/**
 * How busy the machine is before the run starts (percent of all cores over two seconds): other
 * programs' load competes with the run for the same two cores and shows in every figure.
 */
export async function machineBusyPercent(): Promise<number> {
  const before = machineCpuMs();
  await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  const after = machineCpuMs();
  const total = Math.max(1, after.totalMs - before.totalMs);
  return Math.round(((after.busyMs - before.busyMs) / total) * 1_000) / 10;
}

/** The run's own idle processes (heartbeats, timers) keep the machine this busy at most. */
const QUIET_PERCENT = 12;
const QUIET_WAIT_MS = 15_000;

/** Waits (at most 15 s) until the machine is quiet apart from the run's idle processes. */
export async function waitForQuietMachine(): Promise<boolean> {
  const deadline = Date.now() + QUIET_WAIT_MS;
  while (Date.now() < deadline) {
    if ((await machineBusyPercent()) < QUIET_PERCENT) return true;
  }
  return false;
}
