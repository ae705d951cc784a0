import { ConfigError } from '../errors/index.js';

/**
 * Runs an app's `main`: a configuration problem prints the variables at fault and exits 1;
 * any other start-up failure prints its message and exits 1. Nothing else exits the process.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`${service}: cannot start, ${error.message}`);
    } else {
      console.error(`${service}: failed to start:`, error instanceof Error ? error.message : error);
    }
    process.exit(1);
  });
}
