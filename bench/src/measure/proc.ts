import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Reads what the kernel accounts for each process: CPU time and resident memory from
 * `/proc/<pid>/stat` and `/proc/<pid>/status`, and the machine's CPU from `/proc/stat`.
 */

/** Clock ticks per second of `/proc` CPU times (`getconf CLK_TCK`; 100 on Linux by default). */
const TICKS_PER_SECOND = clockTicksPerSecond();
const MS_PER_SECOND = 1_000;
const BYTES_PER_KB = 1_024;
/** Fields of `/proc/<pid>/stat` after the command (1-based field 3 is index 0 here). */
const STAT_PPID = 1;
const STAT_UTIME = 11;
const STAT_STIME = 12;
const STAT_CUTIME = 13;
const STAT_CSTIME = 14;

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** The fields of `/proc/<pid>/stat` after `comm` (which may contain spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function ticksToMs(ticks: string | undefined): number {
  return (Number(ticks ?? 0) / TICKS_PER_SECOND) * MS_PER_SECOND;
}

/** CPU time (user + system, ms) of a process; with `reapedChildren`, also of children it has waited for. */
export function cpuTimeMs(pid: number, reapedChildren = false): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  const own = ticksToMs(fields[STAT_UTIME]) + ticksToMs(fields[STAT_STIME]);
  return reapedChildren ? own + ticksToMs(fields[STAT_CUTIME]) + ticksToMs(fields[STAT_CSTIME]) : own;
}

/** Resident memory (bytes) of a process. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * BYTES_PER_KB : undefined;
  } catch {
    return undefined;
  }
}

function processIds(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The live children of a process. */
export function childrenOf(pid: number): number[] {
  return processIds().filter((child) => Number(statFields(child)?.[STAT_PPID]) === pid);
}

/** The first process whose command line (argv) matches. */
export function findProcess(matches: (argv: string[]) => boolean): number | undefined {
  for (const pid of processIds()) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.length > 0 && matches(argv)) return pid;
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/**
 * Total time (ms) during which some task waited for a CPU (Linux pressure stall information,
 * `/proc/pressure/cpu`), or undefined where the kernel does not report it.
 */
export function cpuPressureStallMs(): number | undefined {
  try {
    const match = /^some .*total=(\d+)$/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) / 1_000 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine (ms, summed over CPUs) since boot. */
export function machineCpuMs(): { busyMs: number; totalMs: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
  const busy = user + nice + system + irq + softirq + steal;
  const total = busy + idle + iowait;
  return {
    busyMs: (busy / TICKS_PER_SECOND) * MS_PER_SECOND,
    totalMs: (total / TICKS_PER_SECOND) * MS_PER_SECOND,
  };
}
