import { createDatabase, type DatabaseHandle, seedDemoData } from '@voice/shared/db';
import { FakeRealtimeServer } from '@voice/testkit/openai';
import { type RunningSystem, startSystem, TEST_SECRETS } from '@voice/testkit/system';
import {
  FakeTwilioRestApi,
  type PlaceCallOptions,
  placeCall,
  type SimulatedCall,
} from '@voice/testkit/twilio';
import type { TestInfraHandle } from '@voice/testkit/vitest';
import { repoRoot } from '../../repo.js';

/** Everything an end-to-end scenario talks to: the running product and the fakes around it. */
export interface E2eSystem {
  system: RunningSystem;
  model: FakeRealtimeServer;
  twilio: FakeTwilioRestApi;
  database: DatabaseHandle;
  /** Every output line of every app, for assertions on logs. */
  logs: string[];
  /** Places a call from `from` to the demo agent's number, as Twilio would. */
  call(options: Partial<PlaceCallOptions> & { from: string; to: string }): Promise<SimulatedCall>;
  stop(): Promise<void>;
}

/**
 * The whole product as real processes on the suite's NATS and database (migrated and seeded
 * with the demo data), the fake OpenAI Realtime server and the Twilio fakes.
 */
export async function startE2eSystem(infra: TestInfraHandle): Promise<E2eSystem> {
  const database = createDatabase({ url: infra.databaseUrl, max: 4 });
  await seedDemoData(database.db);
  const model = await FakeRealtimeServer.start({ apiKey: TEST_SECRETS.openaiApiKey });
  const twilio = await new FakeTwilioRestApi({
    accountSid: TEST_SECRETS.twilioAccountSid,
    authToken: TEST_SECRETS.twilioAuthToken,
  }).start();
  const logs: string[] = [];
  const system = await startSystem({
    repoRoot,
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    twilioApiBaseUrl: twilio.baseUrl,
    openaiBaseUrl: model.baseURL,
    openaiCaFile: await model.writeCaFile(),
    onLine: (_app, line) => logs.push(line),
  });
  return {
    system,
    model,
    twilio,
    database,
    logs,
    call: (options) =>
      placeCall({
        gatewayUrl: system.gatewayUrl,
        publicBaseUrl: system.gatewayUrl,
        accountSid: TEST_SECRETS.twilioAccountSid,
        authToken: TEST_SECRETS.twilioAuthToken,
        restApi: twilio,
        ...options,
      }),
    async stop() {
      await system.stop();
      await Promise.all([model.stop(), twilio.stop(), database.close()]);
    },
  };
}
