import type { RunningApp } from '@voice/testkit/system';

/**
 * Sends `signal` to an app's process: SIGSTOP makes a hung process (alive, connected, silent),
 * SIGCONT wakes it. A process that has already exited is left alone.
 */
export function signalApp(app: RunningApp, signal: 'SIGSTOP' | 'SIGCONT'): void {
  try {
    process.kill(app.process.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Wakes every app a test may have stopped, so the suite can shut them down. */
export function wakeAll(apps: readonly RunningApp[]): void {
  for (const app of apps) signalApp(app, 'SIGCONT');
}
