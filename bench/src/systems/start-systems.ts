import { fileURLToPath } from 'node:url';
import type { Harness } from '../harness.js';
import { startBareRelay } from './bare-relay-system.js';
import { startOurSystem } from './our-system.js';
import type { SystemName, SystemUnderTest } from './system-under-test.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bareRelayMain = fileURLToPath(new URL('../bare-relay/main.js', import.meta.url));
const profilePreload = new URL('../profile/cpu-profile-preload.js', import.meta.url).href;

/** Which systems, and what they run on (the harness's fakes, the run's NATS and Postgres). */
export interface StartSystemsOptions {
  which: readonly SystemName[];
  harness: Harness;
  natsUrl: string;
  databaseUrl: string;
  /** The agent's greeting: the bare relay says the same line. */
  greeting: string;
  /** When set, the gateway and media-bridge load the CPU profiler's preload, writing here. */
  profileDir: string | undefined;
  onLine: (app: string, line: string) => void;
  /** Each started system's stop is put first (stopped before what it runs on). */
  cleanup: Array<() => Promise<unknown>>;
}

/** Starts the systems asked for, ours first, both dialled by the same harness. */
export async function startSystems(options: StartSystemsOptions): Promise<SystemUnderTest[]> {
  const { harness } = options;
  const systems: SystemUnderTest[] = [];
  if (options.which.includes('ours')) {
    const ours = await startOurSystem({
      repoRoot,
      natsUrl: options.natsUrl,
      databaseUrl: options.databaseUrl,
      twilioApiBaseUrl: harness.restApiUrl,
      openaiBaseUrl: harness.modelEndpoint.baseURL,
      openaiCaFile: harness.modelEndpoint.caFile,
      ...(options.profileDir
        ? {
            mediaPathEnv: {
              NODE_OPTIONS: `--import=${profilePreload}`,
              BENCH_CPU_PROFILE_DIR: options.profileDir,
            },
          }
        : {}),
      onLine: options.onLine,
    });
    options.cleanup.unshift(() => ours.stop());
    systems.push(ours);
  }
  if (options.which.includes('baseline')) {
    const relay = await startBareRelay({
      mainPath: bareRelayMain,
      openaiBaseUrl: harness.modelEndpoint.baseURL,
      openaiApiKey: harness.modelEndpoint.apiKey,
      openaiCaFile: harness.modelEndpoint.caFile,
      greeting: options.greeting,
    });
    options.cleanup.unshift(() => relay.stop());
    systems.push(relay);
  }
  return systems;
}
