import type { LevelResult } from '../report/results.js';

/** A single-threaded Node process at or above this share of a core is saturated. */
const SATURATED_CORE_PERCENT = 90;
/** The machine is saturated at or above this busy share of all its cores. */
const SATURATED_MACHINE_PERCENT = 90;
/** Some task waited for a CPU this share of the time: the cores are contended. */
const CONTENDED_PRESSURE_PERCENT = 30;
/** Busy CPU outside the measured processes worth a mention (cores). */
const OTHER_LOAD_WORTH_NAMING_CORES = 0.3;

/**
 * What most likely limited a level that broke, from its processes: a Node event loop that had
 * a whole core to itself and still lagged, a machine with no CPU left, or cores fought over in
 * bursts (and who used them); then how much of it was the load generator's own share.
 */
export function limitingFactor(result: LevelResult): string {
  const others =
    result.unattributedCores >= OTHER_LOAD_WORTH_NAMING_CORES
      ? `; ${result.unattributedCores} cores busy outside the run's processes (other programs, kernel networking)`
      : '';
  return `${cause(result)}${harnessShare(result)}${others}`;
}

/** The load generator runs on the same cores: its share bounds what the system could get. */
function harnessShare(result: LevelResult): string {
  const sum = (owner: 'harness' | 'system') =>
    result.processes
      .filter((p) => (owner === 'harness' ? p.owner === 'harness' : p.owner !== 'harness'))
      .reduce((total, p) => total + p.corePercent, 0);
  const harness = Math.round(sum('harness'));
  const system = Math.round(sum('system'));
  const bound = harness >= system ? ' (more than the system: the capacity found is a lower bound)' : '';
  return `; the load generator used ${harness}% of a core against the system's ${system}%${bound}`;
}

function cause(result: LevelResult): string {
  const busiest = [...result.processes].sort((a, b) => b.corePercent - a.corePercent);
  const saturated = busiest.filter(
    (p) => p.role !== 'nats-server' && p.role !== 'postgres' && p.corePercent >= SATURATED_CORE_PERCENT,
  );
  const top = busiest
    .slice(0, 4)
    .map((p) => `${p.role} ${p.corePercent}%`)
    .join(', ');
  const lagOf = (role: string) => result.eventLoopLag[role]?.p99;
  if (saturated.length > 0) {
    const names = saturated.map(
      (p) => `${p.role} (${p.corePercent}% of a core, loop lag p99 ${lagOf(p.role) ?? '?'} ms)`,
    );
    return `event loop saturated: ${names.join('; ')}; machine ${result.machineCpuPercent}% busy; top: ${top}`;
  }
  if (result.machineCpuPercent >= SATURATED_MACHINE_PERCENT) {
    return `machine CPU saturated (${result.machineCpuPercent}% of all cores); top: ${top}`;
  }
  if ((result.cpuPressurePercent ?? 0) >= CONTENDED_PRESSURE_PERCENT) {
    return (
      `CPU contention: some task waited for a core ${result.cpuPressurePercent}% of the time ` +
      `(machine ${result.machineCpuPercent}% busy on average, bursts queue); top: ${top}`
    );
  }
  return `no CPU saturation (machine ${result.machineCpuPercent}% busy; top: ${top}); see the level's reasons`;
}
