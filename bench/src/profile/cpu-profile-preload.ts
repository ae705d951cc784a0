/**
 * Loaded into a service with `NODE_OPTIONS=--import=<this file>` (the benchmark's `--profile`):
 * the first SIGUSR2 starts V8's CPU profiler, the second stops it and writes
 * `<BENCH_CPU_PROFILE_DIR>/<pid>.cpuprofile` — the same format as `node --cpu-prof`, but
 * covering exactly the measured window instead of the whole life of the process.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Sampling period (µs): finer than `--cpu-prof`'s 1 000, for the short per-frame functions. */
const SAMPLING_INTERVAL_US = 250;

const directory = process.env.BENCH_CPU_PROFILE_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on('SIGUSR2', () => {
    if (!profiling) {
      profiling = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US }, () =>
          session.post('Profiler.start'),
        ),
      );
      return;
    }
    profiling = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) {
        console.error('cpu profile failed:', error.message);
        return;
      }
      // Renamed into place whole: the benchmark reads it as soon as it appears.
      const path = join(directory, `${process.pid}.cpuprofile`);
      writeFileSync(`${path}.tmp`, JSON.stringify(result.profile));
      renameSync(`${path}.tmp`, path);
    });
  });
}
