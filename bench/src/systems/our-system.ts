import { DEMO_AGENT_NUMBER, DEMO_CALLER_NUMBER } from '@voice/shared/db';
import { type AppName, startSystem } from '@voice/testkit/system';
import { findProcess } from '../measure/proc.js';
import type { ProcessGroup } from '../measure/process-group.js';
import { metricsLoopLagProbe, readGauge } from '../measure/service-probes.js';
import type { SystemUnderTest } from './system-under-test.js';
import { waitUntil } from './wait-until.js';

/** The media path and the tool path; the recorder and escalation are not in either. */
const APPS: readonly AppName[] = ['tool-runner', 'media-bridge', 'gateway'];
/** High enough that admission control never refuses a benchmark call. */
const NO_ADMISSION_LIMIT = '100000';

/** The run's infrastructure and fakes the product's apps are pointed at. */
export interface OurSystemOptions {
  repoRoot: string;
  natsUrl: string;
  databaseUrl: string;
  /** The fake Twilio REST API the gateway hangs up through. */
  twilioApiBaseUrl: string;
  openaiBaseUrl: string;
  openaiCaFile: string;
  /** Extra environment of the gateway and the media-bridge (the CPU profiler's preload). */
  mediaPathEnv?: Record<string, string>;
  onLine?: (app: string, line: string) => void;
}

/**
 * The product as it runs: gateway, media-bridge and tool-runner as real processes (built
 * `dist/main.js`) on the run's NATS and Postgres, pointed at the fakes.
 */
export async function startOurSystem(options: OurSystemOptions): Promise<SystemUnderTest> {
  const system = await startSystem({
    repoRoot: options.repoRoot,
    natsUrl: options.natsUrl,
    databaseUrl: options.databaseUrl,
    twilioApiBaseUrl: options.twilioApiBaseUrl,
    openaiBaseUrl: options.openaiBaseUrl,
    openaiCaFile: options.openaiCaFile,
    apps: APPS,
    appEnv: {
      gateway: { MAX_LIVE_CALLS: NO_ADMISSION_LIMIT, ...options.mediaPathEnv },
      'media-bridge': { MAX_SESSIONS: NO_ADMISSION_LIMIT, ...options.mediaPathEnv },
    },
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  const gateway = system.app('gateway');
  const bridge = system.app('media-bridge');
  const toolRunner = system.app('tool-runner');
  const groups: ProcessGroup[] = [
    { role: 'gateway', owner: 'ours', pid: gateway.process.pid, memory: true, mediaPath: true },
    { role: 'media-bridge', owner: 'ours', pid: bridge.process.pid, memory: true, mediaPath: true },
    { role: 'tool-runner', owner: 'ours', pid: toolRunner.process.pid, memory: true },
    ...infraGroups(options.natsUrl, options.databaseUrl),
  ];
  return {
    name: 'ours',
    label: 'ours (gateway + NATS + media-bridge)',
    target: {
      gatewayUrl: system.gatewayUrl,
      publicBaseUrl: system.gatewayUrl,
      statusCallbackPath: '/voice/status',
      accountSid: system.secrets.twilioAccountSid,
      authToken: system.secrets.twilioAuthToken,
      from: DEMO_CALLER_NUMBER,
      to: DEMO_AGENT_NUMBER,
    },
    groups,
    lagProbes: [
      metricsLoopLagProbe('gateway', gateway.url),
      metricsLoopLagProbe('media-bridge', bridge.url),
      metricsLoopLagProbe('tool-runner', toolRunner.url),
    ],
    hasTools: true,
    waitIdle: (timeoutMs) =>
      waitUntil(async () => {
        const calls = await readGauge(gateway.url, 'gateway_live_calls');
        const sessions = await readGauge(bridge.url, 'media_bridge_active_sessions');
        return calls === 0 && sessions === 0;
      }, timeoutMs),
    stop: () => system.stop(),
  };
}

/**
 * The NATS server and the Postgres server, found by the port on their command line (the
 * testkit starts them from the local binaries); left out when they run elsewhere.
 */
function infraGroups(natsUrl: string, databaseUrl: string): ProcessGroup[] {
  const groups: ProcessGroup[] = [];
  const natsPort = new URL(natsUrl).port;
  const nats = findProcess((argv) => /nats-server$/.test(argv[0] ?? '') && argv.includes(natsPort));
  if (nats !== undefined) {
    groups.push({ role: 'nats-server', owner: 'ours', pid: nats, memory: true, mediaPath: true });
  }
  const postgresPort = new URL(databaseUrl).port || '5432';
  const postgres = findProcess(
    (argv) => /\/postgres$/.test(argv[0] ?? '') && argv.includes('-p') && argv.includes(postgresPort),
  );
  if (postgres !== undefined) {
    groups.push({ role: 'postgres', owner: 'ours', pid: postgres, withChildren: true, memory: false });
  }
  return groups;
}
