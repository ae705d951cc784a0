import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isRunning, processesUsing } from '../process/proc-table.js';

/** The private servers the testkit starts from local binaries, each in a temp dir of its own. */
export type ServerKind = 'nats' | 'pg';

/**
 * How a server of each kind is asked to stop: nats-server shuts down on SIGTERM, and SIGINT is
 * Postgres' "fast" shutdown (it disconnects clients instead of waiting for them).
 */
export const STOP_SIGNAL: Readonly<Record<ServerKind, NodeJS.Signals>> = { nats: 'SIGTERM', pg: 'SIGINT' };

/** Where and how patiently to sweep. */
export interface SweepOptions {
  /** Default: the OS temp dir, where `makeServerDir` makes them. */
  root?: string;
  /** How long a stale server gets to stop before it is killed. Default 10 s. */
  stopTimeoutMs?: number;
}

/** `testkit-<kind>-<pid of the process that owns the server>-<random>`. */
const SERVER_DIR = /^testkit-(nats|pg)-(\d+)-/;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

/** A temp dir for a server owned by this process; its name says so, for `sweepStaleServers`. */
export function makeServerDir(kind: ServerKind, root: string = tmpdir()): Promise<string> {
  return mkdtemp(join(root, `testkit-${kind}-${process.pid}-`));
}

/**
 * Stops the servers, and removes the dirs, that a test process left behind when it died without
 * stopping them (a `SIGKILL`ed vitest worker, a crashed run). A dir is stale when the process
 * named in it is gone; servers still running from it (their arguments name the dir) get their
 * stop signal, then SIGKILL. Dirs of live processes are never touched. Returns the dirs removed.
 */
export async function sweepStaleServers(options: SweepOptions = {}): Promise<string[]> {
  const root = options.root ?? tmpdir();
  const stale = (await readdir(root)).flatMap((name) => {
    const match = SERVER_DIR.exec(name);
    if (!match || isRunning(Number(match[2]))) return [];
    return [{ dir: join(root, name), kind: match[1] as ServerKind }];
  });
  const removed: string[] = [];
  for (const { dir, kind } of stale) {
    await stopProcessesUsing(dir, STOP_SIGNAL[kind], options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's leftovers that we may not remove: theirs to sweep, and no reason to fail a run.
    }
  }
  return removed;
}

async function stopProcessesUsing(dir: string, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  signalAll(processesUsing(dir), signal);
  const deadline = Date.now() + timeoutMs;
  while (processesUsing(dir).length > 0 && Date.now() < deadline) await delay(POLL_MS);
  signalAll(processesUsing(dir), 'SIGKILL');
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // It exited meanwhile, which is what we want.
    }
  }
}
