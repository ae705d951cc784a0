import { readdirSync, readFileSync } from 'node:fs';

/** A live process found in /proc. */
export interface FoundProcess {
  pid: number;
  argv: string[];
}

/** Every live process whose executable basename is `binary`. */
export function processesOf(binary: string): FoundProcess[] {
  const found: FoundProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        .split('\0')
        .filter((arg) => arg !== '');
    } catch {
      continue; // it exited while we looked
    }
    if (argv[0]?.split('/').pop() === binary) found.push({ pid: Number(entry), argv });
  }
  return found;
}

/** The `binary` server process started with `-p <port>`, if one is running. */
export function serverOnPort(binary: string, port: string | number): FoundProcess | undefined {
  return processesOf(binary).find(({ argv }) =>
    argv.some((arg, i) => arg === '-p' && argv[i + 1] === String(port)),
  );
}

/** The value following `flag` in a process's arguments. */
export function argumentAfter(found: FoundProcess | undefined, flag: string): string {
  const index = found?.argv.indexOf(flag) ?? -1;
  const value = index === -1 ? undefined : found?.argv[index + 1];
  if (value === undefined) throw new Error(`no ${flag} argument in ${JSON.stringify(found?.argv)}`);
  return value;
}

/** Whether a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
