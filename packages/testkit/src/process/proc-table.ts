import { readdirSync, readFileSync } from 'node:fs';

/**
 * Alive and not a zombie: a dead process its parent has not reaped yet still answers `kill 0`,
 * and an orphan's new parent may take its time. Without /proc (not Linux), `kill 0` decides.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return true;
  // The state letter follows the command name in parentheses, which may itself hold spaces.
  const nameEnd = stat.lastIndexOf(')');
  return stat.slice(nameEnd + 2, nameEnd + 3) !== 'Z';
}

/** Live processes with `path` (or a path inside it) among their arguments. Empty without /proc. */
export function processesUsing(path: string): number[] {
  return procPids().filter((pid) => {
    const args = readProc(pid, 'cmdline')?.split('\0') ?? [];
    return args.some((arg) => arg === path || arg.startsWith(`${path}/`));
  });
}

function procPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

function readProc(pid: number, file: 'cmdline' | 'stat'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
