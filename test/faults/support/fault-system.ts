import { createDatabase, type DatabaseHandle, seedDemoData } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { connectNats, type NatsConnection } from '@voice/shared/nats';
import {
  type FakeRealtimeScript,
  FakeRealtimeServer,
  type FakeRealtimeServerOptions,
} from '@voice/testkit/openai';
import { type AppName, type RunningSystem, startSystem, TEST_SECRETS } from '@voice/testkit/system';
import {
  FakeTwilioRestApi,
  type PlaceCallOptions,
  placeCall,
  type SimulatedCall,
} from '@voice/testkit/twilio';
import type { TestInfraHandle } from '@voice/testkit/vitest';
import { repoRoot } from '../../repo.js';
import { CONSOLE_SESSION_SECRET, DEMO_PHONE_NUMBERS, LogCapture, secretValues } from './log-capture.js';

export interface FaultSystemOptions {
  script?: FakeRealtimeScript;
  /** Fake model settings besides the script and key. */
  model?: Omit<FakeRealtimeServerOptions, 'script' | 'apiKey'>;
  apps?: readonly AppName[];
  env?: Record<string, string>;
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** The `DATABASE_URL` the apps get (e.g. through a proxy a test can cut); default the suite's. */
  appDatabaseUrl?: string;
}

/** The product as real processes, the fakes around it, and what a fault test inspects. */
export interface FaultSystem {
  system: RunningSystem;
  model: FakeRealtimeServer;
  twilio: FakeTwilioRestApi;
  /** The suite's database, reached directly (never through a test's proxy). */
  database: DatabaseHandle;
  /** The test's own NATS connection (JetStream inspection). */
  nc: NatsConnection;
  logs: LogCapture;
  /** Places a call from the demo caller to the demo agent, as Twilio would. */
  call(options?: Partial<PlaceCallOptions>): Promise<SimulatedCall>;
  /** Log lines that leak a secret, a full phone number or one of `extra`. */
  leaks(extra?: readonly string[]): string[];
  stop(): Promise<void>;
}

/** Milliseconds of generated agent speech per character of its line. */
const FAST_SPEECH_MS_PER_CHAR = 35;

const quiet = createLogger({ service: 'fault-suite', level: 'silent' });

/** Faster than production so a suite does not wait out real timeouts; still realistic. */
const FAULT_ENV: Record<string, string> = {
  CONSOLE_SESSION_SECRET,
  SHUTDOWN_TIMEOUT_MS: '8000',
};

export async function startFaultSystem(
  infra: TestInfraHandle,
  options: FaultSystemOptions = {},
): Promise<FaultSystem> {
  const database = createDatabase({ url: infra.databaseUrl, max: 4 });
  await seedDemoData(database.db);
  const model = await FakeRealtimeServer.start({
    // Agent lines a little faster than human speech: shorter calls, the same protocol.
    speechMsPerChar: FAST_SPEECH_MS_PER_CHAR,
    ...options.model,
    ...(options.script ? { script: options.script } : {}),
    apiKey: TEST_SECRETS.openaiApiKey,
  });
  const twilio = await new FakeTwilioRestApi({
    accountSid: TEST_SECRETS.twilioAccountSid,
    authToken: TEST_SECRETS.twilioAuthToken,
  }).start();
  const logs = new LogCapture();
  const nc = await connectNats({ url: infra.natsUrl, name: 'fault-suite', logger: quiet });
  let system: RunningSystem;
  try {
    system = await startSystem({
      repoRoot,
      natsUrl: infra.natsUrl,
      databaseUrl: options.appDatabaseUrl ?? infra.databaseUrl,
      twilioApiBaseUrl: twilio.baseUrl,
      openaiBaseUrl: model.baseURL,
      openaiCaFile: await model.writeCaFile(),
      env: { ...FAULT_ENV, ...options.env },
      ...(options.apps ? { apps: options.apps } : {}),
      ...(options.appEnv ? { appEnv: options.appEnv } : {}),
      onLine: logs.onLine,
    });
  } catch (error) {
    await Promise.allSettled([model.stop(), twilio.stop(), database.close(), nc.close()]);
    throw error;
  }
  return {
    system,
    model,
    twilio,
    database,
    nc,
    logs,
    call: (overrides = {}) =>
      placeCall({
        gatewayUrl: system.gatewayUrl,
        publicBaseUrl: system.gatewayUrl,
        accountSid: TEST_SECRETS.twilioAccountSid,
        authToken: TEST_SECRETS.twilioAuthToken,
        from: DEMO_PHONE_NUMBERS[0],
        to: DEMO_PHONE_NUMBERS[5],
        restApi: twilio,
        ...overrides,
      }),
    leaks: (extra = []) =>
      logs.containing([...secretValues(system.secrets), ...DEMO_PHONE_NUMBERS, ...extra]),
    async stop() {
      await system.stop();
      await Promise.allSettled([model.stop(), twilio.stop(), database.close(), nc.drain()]);
    },
  };
}
