/**
 * `npm run bench`: drives N concurrent simulated calls at real-time pace through the real
 * services as processes (gateway, NATS, media-bridge, with tool-runner and Postgres for the
 * tool path) to the fake model, and through a bare relay in the same run; climbs the load
 * until a level breaks; prints the table and writes `bench/results/<YYYY-MM-DD>.json`.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { migrationsFolder } from '@voice/shared/db';
import { startTestInfra } from '@voice/testkit/infra';
import { LogFiles } from '@voice/testkit/process';
import { parseOptions, USAGE } from './cli/options.js';
import { monotonicMs } from './clock.js';
import { startHarness } from './harness.js';
import { machineBusyPercent } from './measure/machine-quiet.js';
import { ToolProber } from './measure/tool-prober.js';
import { profileMediaPath } from './profile/profile-run.js';
import { mediaPathByLevel, mediaPathLines } from './report/media-path-summary.js';
import { profileTable } from './report/profile-table.js';
import { progressLine } from './report/progress.js';
import {
  dateStamp,
  machineInfo,
  mediaPathCpu,
  planInfo,
  resultsOf,
  writeResults,
} from './report/results-file.js';
import { capacityLines, levelTable, mediaPathCpuLine } from './report/table.js';
import { climb } from './run/climb.js';
import { type BenchContext, StreamKeys } from './run/level-runner.js';
import { seedAndReadGreeting } from './seed.js';
import { startSystems } from './systems/start-systems.js';
import type { SystemUnderTest } from './systems/system-under-test.js';
import { SMOOTH, type TrafficShape } from './traffic/shape.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Tool requests per second on NATS during each window of the real system. */
const TOOL_PROBES_PER_SECOND = 10;
const MS_PER_SECOND = 1_000;
/** Other load at or above this share of the machine makes the run's figures noisy: say so. */
const BUSY_MACHINE_PERCENT = 15;

const say = (line = '') => console.log(line);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    say(USAGE);
    return;
  }
  const startedAt = new Date();
  const startedMs = monotonicMs();
  const profiling = options.profileCalls !== undefined;
  const cleanup: Array<() => Promise<unknown>> = [];
  let finished = false;
  try {
    say(
      "Voice agent benchmark: the system's own latency and capacity, against a bare relay in the same run.",
    );
    const busyBefore = await machineBusyPercent();
    say(`  machine: ${cpus().length} cores, ${busyBefore}% busy before the run`);
    if (busyBefore >= BUSY_MACHINE_PERCENT) {
      say(
        `  warning: other programs keep this machine ${busyBefore}% busy; every figure below competes with them`,
      );
    }
    const harness = await startHarness();
    cleanup.unshift(() => harness.stop());
    const infra = await startTestInfra({ migrationsFolder });
    cleanup.unshift(() => infra.stop());
    const greeting = await seedAndReadGreeting(infra.databaseUrl);
    const logs = new LogFiles(mkdtempSync(join(tmpdir(), 'voice-bench-logs-')));
    // The services' logs only matter when something went wrong: kept then, removed otherwise.
    cleanup.unshift(async () => {
      await logs.close();
      if (finished) await rm(logs.directory, { recursive: true, force: true });
      else console.error(`service logs: ${logs.directory}`);
    });
    const profileDir = profiling ? mkdtempSync(join(tmpdir(), 'voice-bench-profiles-')) : undefined;

    const systems = await startSystems({
      which: profiling ? ['ours'] : options.systems,
      harness,
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      greeting,
      profileDir,
      onLine: (app, line) => logs.write(app, line),
      cleanup,
    });
    const nc = await connect({ servers: infra.natsUrl });
    cleanup.unshift(() => nc.close());
    say(`  infrastructure: NATS ${infra.nats.source}, Postgres ${infra.postgres.source}`);
    say(`  systems: ${systems.map((s) => s.label).join('; ')}`);

    const ctx: BenchContext = {
      callers: harness.callers,
      model: harness.model,
      plan: options.plan,
      harnessGroups: harness.groups,
      toolProber: new ToolProber(nc, TOOL_PROBES_PER_SECOND),
      keys: new StreamKeys(),
      avoidOtherLoad: !options.ignoreOtherLoad,
    };
    const machine = machineInfo(repoRoot, busyBefore);
    const elapsedSeconds = () => Math.round((monotonicMs() - startedMs) / MS_PER_SECOND);
    const resultsPath = (suffix = options.quick ? '-quick' : '') =>
      options.out ?? join(repoRoot, 'bench', 'results', `${dateStamp(startedAt)}${suffix}.json`);

    if (profileDir && options.profileCalls !== undefined) {
      const ours = systems[0] as SystemUnderTest;
      const { result, profiles } = await profileMediaPath(ctx, ours, options.profileCalls, profileDir);
      say(levelTable(result.calls, result, undefined));
      say();
      say(profileTable(result, profiles));
      const path = resultsPath('-profile');
      writeResults(
        path,
        resultsOf({
          startedAt,
          durationSeconds: elapsedSeconds(),
          machine,
          plan: planInfo(options.plan, [options.profileCalls], [SMOOTH], 0),
          levels: [result],
          capacities: [],
          profiles,
        }),
      );
      say(`profiles: ${profileDir}; results: ${path}`);
      finished = true;
      return;
    }

    say(
      `  levels ${options.levels.join(', ')} calls; ${options.plan.holdMs / MS_PER_SECOND} s measured per level; ` +
        `time budget ${options.budgetMs / MS_PER_SECOND} s`,
    );
    for (const shape of options.traffic) say(`  traffic ${shapeLabel(shape)}`);
    say();
    const { results, capacities } = await climb(
      ctx,
      systems,
      {
        levels: options.levels,
        traffic: options.traffic,
        refineSteps: options.refineSteps,
        everyLevel: options.everyLevel,
        warmUpCalls: options.warmUpCalls,
        deadlineMs: startedMs + options.budgetMs,
      },
      (result, note) => say(`${progressLine(result)}${note ? ` — ${note}` : ''}`),
    );
    say();
    const levels = [...new Set(results.map((r) => r.calls))].sort((a, b) => a - b);
    for (const shape of options.traffic) {
      for (const calls of levels) {
        const of = (system: string) =>
          results.find((r) => r.calls === calls && r.system === system && r.traffic === shape.name);
        const ours = of('ours');
        const base = of('baseline');
        if (!ours && !base) continue;
        say(levelTable(calls, ours, base));
        say();
      }
    }
    say(capacityLines(capacities));
    say();
    say(mediaPathLines(mediaPathByLevel(results)));
    for (const marginal of mediaPathCpu(results, capacities)) say(mediaPathCpuLine(marginal));
    const path = resultsPath();
    writeResults(
      path,
      resultsOf({
        startedAt,
        durationSeconds: elapsedSeconds(),
        machine,
        plan: planInfo(options.plan, options.levels, options.traffic, options.refineSteps),
        levels: results,
        capacities,
      }),
    );
    say(`results: ${path}`);
    finished = true;
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}

function shapeLabel(shape: TrafficShape): string {
  return shape.phases === null
    ? `${shape.name}: each call's frames at its own instant, the model at real-time pace`
    : `${shape.name}: callers' frames in ${shape.phases} phases per 20 ms with up to ${shape.jitterMs} ms of jitter, ` +
        `the model at ${shape.modelSpeed}× real time`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
