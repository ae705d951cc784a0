import { migrationsFolder } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { connectNats } from '@voice/shared/nats';
import { type TestInfraHandle, useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll } from 'vitest';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';
import { FakeIngress } from './ingress.js';

/** A suite's own NATS and database, and the fake ingress taking call-control commands, started before its tests. */
export interface EscalationInfra {
  infra: TestInfraHandle;
  ingress: FakeIngress;
}

/** The same, with the escalation app running on them. */
export interface EscalationSuite extends EscalationInfra {
  /** The suite's app; every read goes to the harness started in `beforeAll`. */
  h: Harness;
}

/** What a suite may change about its app (the connections come from the suite's infra). */
export type SuiteHarnessOptions = Omit<HarnessOptions, 'natsUrl' | 'databaseUrl'>;

/** Registers the hooks that start and stop a suite's infra and the fake ingress. */
export function useEscalationInfra(): EscalationInfra {
  const infra = useTestInfra({ migrationsFolder });
  const ingress = new FakeIngress();
  beforeAll(async () => {
    const logger = createLogger({ service: 'ingress', level: 'silent' });
    await ingress.start(await connectNats({ url: infra.natsUrl, name: 'fake-ingress', logger }));
  });
  afterAll(() => ingress.stop());
  return { infra, ingress };
}

/**
 * Registers the hooks that run the escalation app for a whole suite, wired as `main.ts` wires
 * it; the suite's own hooks run after its start and before its stop.
 */
export function useEscalationSuite(options: SuiteHarnessOptions = {}): EscalationSuite {
  const { infra, ingress } = useEscalationInfra();
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness({
      ...options,
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
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
  return { infra, ingress, h };
}
