import { locateExecutable } from './find-executable.js';

/** Where util-linux installs `setpriv` when PATH does not name it. */
const SETPRIV_DIRS = ['/usr/bin', '/bin'];

/** A command line to spawn. */
export interface CommandLine {
  command: string;
  args: readonly string[];
}

/**
 * The command line that makes the child die with this process: util-linux's `setpriv` sets the
 * kernel's parent-death signal (`prctl(PR_SET_PDEATHSIG)`) and then `exec`s the command, so the
 * child keeps its pid and arguments and gets `signal` the moment the thread that spawned it
 * ends, however it ends (a `SIGKILL`ed test worker included). Where `setpriv` is missing (not
 * Linux), the command is run as it is. The signal is sent when the spawning *thread* ends: spawn
 * from the main thread (vitest's `forks` pool), not from a worker thread that ends earlier.
 */
export function withParentDeathSignal(line: CommandLine, signal: NodeJS.Signals): CommandLine {
  const setpriv = locateExecutable('setpriv', SETPRIV_DIRS);
  if (setpriv === undefined) return line;
  return { command: setpriv, args: ['--pdeathsig', signal, '--', line.command, ...line.args] };
}
