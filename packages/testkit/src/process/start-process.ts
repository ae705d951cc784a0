import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { waitForHttpOk } from './http-readiness.js';
import { LineLog, type LineMatcher, toLinePredicate } from './line-log.js';
import { withParentDeathSignal } from './parent-death.js';

/** How a process ended: an exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What to run and how to tell it is ready. */
export interface StartProcessOptions {
  /** Shown in error messages, e.g. `gateway`. */
  name: string;
  /** The executable, e.g. `node` or an absolute path. */
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Added over the parent's environment (the child keeps PATH, HOME and the rest). */
  env?: NodeJS.ProcessEnv;
  /** Polled with GET until it answers 200 before `startProcess` resolves. */
  readyUrl?: string;
  /** How long `readyUrl` may take to answer 200. Default 30 s. */
  readyTimeoutMs?: number;
  /** How many recent output lines to keep. Default 5,000. */
  maxLines?: number;
  /** Called with every output line as it arrives (printing or capturing logs). */
  onLine?: (line: string) => void;
  /** Run as this OS user/group (e.g. servers that refuse to run as root). */
  uid?: number;
  gid?: number;
  /**
   * Sent to the process when this one dies without stopping it (a crashed or killed test
   * worker), so it does not outlive the run; see `withParentDeathSignal`. Unset: it may.
   */
  parentDeathSignal?: NodeJS.Signals;
}

/** A running child process whose stdout and stderr lines are captured. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** The most recent stdout and stderr lines, in arrival order (bounded by `maxLines`). */
  readonly lines: readonly string[];
  /** Resolves with the first captured line (already printed or future) that matches; rejects on timeout or exit. */
  waitForLine(matcher: LineMatcher, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (default SIGTERM) and waits for exit; SIGKILLs after `timeoutMs` (default 10 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
  /** SIGKILLs the process and waits for it to exit. */
  kill(): Promise<ProcessExit>;
  /** Settles once the process has exited and its output is flushed. */
  readonly exited: Promise<ProcessExit>;
  /** The last `count` output lines (default 30), for error messages. */
  outputTail(count?: number): string;
}

const DEFAULT_MAX_LINES = 5_000;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const DEFAULT_WAIT_FOR_LINE_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const ERROR_TAIL_LINES = 30;

/** Spawns a real child process, captures its output and, with `readyUrl`, waits until it serves. */
export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess> {
  const { name } = options;
  const log = new LineLog(options.maxLines ?? DEFAULT_MAX_LINES);
  if (options.onLine) log.subscribe(options.onLine);
  const line = { command: options.command, args: options.args ?? [] };
  const spawned = options.parentDeathSignal ? withParentDeathSignal(line, options.parentDeathSignal) : line;
  const child = spawn(spawned.command, spawned.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  captureLines(child.stdout, log);
  captureLines(child.stderr, log);
  try {
    await once(child, 'spawn');
  } catch (error) {
    throw new Error(`${name}: could not start ${options.command}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Later errors (a failed kill) must not crash the test runner; they belong in the output.
  child.on('error', (error) => log.push(`[${name}] process error: ${error.message}`));

  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const outputTail = (count = ERROR_TAIL_LINES) => log.tail(count);

  async function stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = DEFAULT_STOP_TIMEOUT_MS) {
    if (hasExited()) return exited;
    child.kill(signal);
    const exit = await settleWithin(exited, timeoutMs);
    if (exit !== undefined) return exit;
    child.kill('SIGKILL');
    return exited;
  }

  function waitForLine(matcher: LineMatcher, timeoutMs = DEFAULT_WAIT_FOR_LINE_MS): Promise<string> {
    const matches = toLinePredicate(matcher);
    const printed = log.lines.find(matches);
    if (printed !== undefined) return Promise.resolve(printed);
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        settle();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `${name}: no output line matched ${String(matcher)} within ${timeoutMs} ms; last lines:\n${outputTail()}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const unsubscribe = log.subscribe((line) => {
        if (matches(line)) finish(() => resolve(line));
      });
      void exited.then((exit) =>
        finish(() =>
          reject(
            new Error(
              `${name} exited (${describeExit(exit)}) before printing a line matching ${String(matcher)}; last lines:\n${outputTail()}`,
            ),
          ),
        ),
      );
    });
  }

  const managed: ManagedProcess = {
    name,
    pid: child.pid as number,
    get lines() {
      return log.lines;
    },
    waitForLine,
    stop,
    kill: () => stop('SIGKILL'),
    exited,
    outputTail,
  };

  if (options.readyUrl !== undefined) {
    const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const readiness = await waitForHttpOk(options.readyUrl, timeoutMs, exited);
    if (readiness === 'exited') {
      const exit = await exited;
      throw new Error(
        `${name} exited (${describeExit(exit)}) before ${options.readyUrl} answered 200; last lines:\n${outputTail()}`,
      );
    }
    if (readiness === 'timed-out') {
      await managed.kill();
      throw new Error(
        `${name} was not ready: ${options.readyUrl} did not answer 200 within ${timeoutMs} ms (process killed); last lines:\n${outputTail()}`,
      );
    }
  }
  return managed;
}

/** Human-readable exit for error messages. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function captureLines(stream: Readable, log: LineLog): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
    log.push(line),
  );
}

/** The promise's value, or undefined when it has not settled within `timeoutMs`. */
async function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
