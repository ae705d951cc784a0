import { migrationsFolder } from '@voice/shared/db';
import { FakeTwilioRestApi } from '@voice/testkit/twilio';
import { type TestInfraHandle, useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll } from 'vitest';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
} from './harness.js';

/** A suite's own NATS and database, and the fake Twilio REST API, started before its tests. */
export interface EscalationInfra {
  infra: TestInfraHandle;
  fake: FakeTwilioRestApi;
}

/** The same, with the escalation app running on them. */
export interface EscalationSuite extends EscalationInfra {
  /** The suite's app; every read goes to the harness started in `beforeAll`. */
  h: Harness;
}

/** What a suite may change about its app (the connections come from the suite's infra). */
export type SuiteHarnessOptions = Omit<HarnessOptions, 'natsUrl' | 'databaseUrl' | 'fake'>;

/** Registers the hooks that start and stop a suite's infra and the fake Twilio REST API. */
export function useEscalationInfra(): EscalationInfra {
  const infra = useTestInfra({ migrationsFolder });
  const fake = new FakeTwilioRestApi({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  return { infra, fake };
}

/**
 * Registers the hooks that run the escalation app for a whole suite, wired as `main.ts` wires
 * it; the suite's own hooks run after its start and before its stop.
 */
export function useEscalationSuite(options: SuiteHarnessOptions = {}): EscalationSuite {
  const { infra, fake } = useEscalationInfra();
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness({
      ...options,
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      fake,
    });
  });
  afterAll(async () => {
    const started = running;
    running = undefined;
    await started?.stop();
  });
  const h = new Proxy({} as Harness, {
    get(_target, key) {
      if (running === undefined) {
        throw new Error('useEscalationSuite(): the app is not running; use it inside tests and hooks');
      }
      return Reflect.get(running, key);
    },
  });
  return { infra, fake, h };
}
