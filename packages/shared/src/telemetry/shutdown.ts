import type { Logger } from '../logging/index.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown> | unknown;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Run in order: stop intake first, then drain work, then close connections. */
  steps: ShutdownStep[];
  /** Past this, remaining steps are abandoned and the process exits non-zero. */
  timeoutMs: number;
  /** Injected for tests; defaults to `process.exit`. */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/**
 * The one owner of process signals. On SIGTERM/SIGINT it runs the shutdown steps once, in
 * order, within a time limit, then exits (0 when every step finished, 1 otherwise).
 * Returns a function that triggers the same shutdown programmatically.
 */
export function installShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    if (started) return started;
    started = (async () => {
      const log = options.logger.child({ component: 'shutdown' });
      log.info({ reason }, 'shutting down');
      let clean = true;
      const timer = setTimeout(() => {
        log.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out, exiting');
        exit(1);
      }, options.timeoutMs);
      timer.unref();
      for (const step of options.steps) {
        try {
          await step.run();
          log.debug({ step: step.name }, 'shutdown step done');
        } catch (error) {
          clean = false;
          log.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      log.info({ clean }, 'shutdown complete');
      exit(clean ? 0 : 1);
    })();
    return started;
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => void shutdown(signal));
  }
  return shutdown;
}
