import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../process/free-port.js';
import { type ManagedProcess, startProcess } from '../process/start-process.js';

/** The apps of the product, as built (`apps/<name>/dist/main.js`). */
export type AppName =
  | 'gateway'
  | 'media-bridge'
  | 'tool-runner'
  | 'escalation'
  | 'recorder'
  | 'order-status-worker';

export const ALL_APPS: readonly AppName[] = [
  'tool-runner',
  'recorder',
  'escalation',
  'media-bridge',
  'gateway',
];

/** Credentials and secrets the system under test uses; the fakes are given the same. */
export interface SystemSecrets {
  twilioAccountSid: string;
  twilioAuthToken: string;
  streamTokenSecret: string;
  callsApiToken: string;
  openaiApiKey: string;
}

export const TEST_SECRETS: SystemSecrets = {
  twilioAccountSid: `AC${'7'.repeat(32)}`,
  twilioAuthToken: 'test-twilio-auth-token',
  streamTokenSecret: 'test-stream-token-secret-0123456789',
  callsApiToken: 'test-calls-api-token-0123456789',
  openaiApiKey: 'sk-test-fake-openai',
};

export interface StartSystemOptions {
  /** The repository root (the apps are spawned from `apps/<name>/dist/main.js`). */
  repoRoot: string;
  natsUrl: string;
  databaseUrl: string;
  /** The fake's (or the real) Twilio REST base URL. */
  twilioApiBaseUrl?: string;
  /** The fake's (or the real) OpenAI base URL, and the CA file that trusts the fake's certificate. */
  openaiBaseUrl?: string;
  openaiCaFile?: string;
  secrets?: Partial<SystemSecrets>;
  /** Which apps, in start order. Default: all five. */
  apps?: readonly AppName[];
  /** Extra environment for every app, or per app. */
  env?: Record<string, string>;
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  logLevel?: string;
  /** Called with every output line of every app (e.g. to print or capture logs). */
  onLine?: (app: string, line: string) => void;
}

/** One running app process and where it listens. */
export interface RunningApp {
  name: AppName;
  instance: string;
  port: number;
  url: string;
  process: ManagedProcess;
}

export interface RunningSystem {
  secrets: SystemSecrets;
  /** The gateway's URL; Twilio "sees" it as the public base URL. */
  readonly gatewayUrl: string;
  readonly recorderUrl: string;
  readonly escalationUrl: string;
  apps: RunningApp[];
  app(name: AppName, index?: number): RunningApp;
  /** Starts one more instance of an app (a second media bridge, a new tool worker). */
  startInstance(name: AppName, env?: Record<string, string>): Promise<RunningApp>;
  /** Stops every app (SIGTERM, in reverse start order). */
  stop(): Promise<void>;
}

/**
 * Starts the product's apps as real processes on the given NATS and Postgres, wired to the
 * given Twilio and OpenAI endpoints (the testkit fakes in tests, the demo and the benchmark).
 */
export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  const secrets = { ...TEST_SECRETS, ...options.secrets };
  const apps: RunningApp[] = [];
  const counters = new Map<AppName, number>();
  const ports = new Map<AppName, number>();

  // Ports are chosen up front: the gateway's public URL and the escalation's callback URL
  // must be known to every app before any of them starts.
  for (const name of ['gateway', 'escalation', 'recorder'] as const) ports.set(name, await freePort());
  // Outbox journals of this system only: what a killed app left is relayed by its own restart,
  // never into another suite's NATS.
  const outboxRoot = await mkdtemp(join(tmpdir(), 'voice-outbox-'));
  const removeOutboxes = () => rm(outboxRoot, { recursive: true, force: true });

  const envFor = (name: AppName, instance: string, port: number): Record<string, string> => {
    const env: Record<string, string> = {
      NODE_ENV: 'development',
      NATS_URL: options.natsUrl,
      DATABASE_URL: options.databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      INSTANCE_ID: instance,
      LOG_LEVEL: options.logLevel ?? 'info',
      TWILIO_ACCOUNT_SID: secrets.twilioAccountSid,
      TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
      STREAM_TOKEN_SECRET: secrets.streamTokenSecret,
      CALLS_API_TOKEN: secrets.callsApiToken,
      OPENAI_API_KEY: secrets.openaiApiKey,
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.get('gateway')}`,
      ESCALATION_PUBLIC_BASE_URL: `http://127.0.0.1:${ports.get('escalation')}`,
      OUTBOX_DIR: outboxRoot,
      ...options.env,
      ...options.appEnv?.[name],
    };
    if (options.twilioApiBaseUrl) env.TWILIO_API_BASE_URL = options.twilioApiBaseUrl;
    if (options.openaiBaseUrl) env.OPENAI_BASE_URL = options.openaiBaseUrl;
    if (options.openaiCaFile) env.OPENAI_EXTRA_CA_FILE = options.openaiCaFile;
    return env;
  };

  const startInstance = async (name: AppName, extraEnv: Record<string, string> = {}): Promise<RunningApp> => {
    const index = (counters.get(name) ?? 0) + 1;
    counters.set(name, index);
    const instance = `${name}-${index}`;
    const fixed = index === 1 ? ports.get(name) : undefined;
    const port = fixed ?? (await freePort());
    const proc = await startProcess({
      name: instance,
      command: process.execPath,
      args: [join(options.repoRoot, 'apps', name, 'dist', 'main.js')],
      env: { ...envFor(name, instance, port), ...extraEnv },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      readyTimeoutMs: 60_000,
      // An app left running by a crashed test or benchmark would hold its port and keep retrying.
      parentDeathSignal: 'SIGTERM',
      ...(options.onLine ? { onLine: (line: string) => options.onLine?.(instance, line) } : {}),
    });
    const app: RunningApp = { name, instance, port, url: `http://127.0.0.1:${port}`, process: proc };
    apps.push(app);
    return app;
  };

  try {
    for (const name of options.apps ?? ALL_APPS) await startInstance(name);
  } catch (error) {
    await Promise.allSettled(apps.map((a) => a.process.stop('SIGTERM', 15_000)));
    await removeOutboxes();
    throw error;
  }

  const find = (name: AppName, index = 0): RunningApp => {
    const app = apps.filter((a) => a.name === name)[index];
    if (!app) throw new Error(`startSystem: no running ${name} #${index}`);
    return app;
  };

  return {
    secrets,
    get gatewayUrl() {
      return `http://127.0.0.1:${ports.get('gateway')}`;
    },
    get recorderUrl() {
      return `http://127.0.0.1:${ports.get('recorder')}`;
    },
    get escalationUrl() {
      return `http://127.0.0.1:${ports.get('escalation')}`;
    },
    apps,
    app: find,
    startInstance,
    async stop() {
      for (const app of [...apps].reverse()) await app.process.stop('SIGTERM', 20_000);
      await removeOutboxes();
    },
  };
}
