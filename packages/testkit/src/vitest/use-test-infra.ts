import { afterAll, beforeAll, inject } from 'vitest';
import {
  type SharedPostgresServer,
  type StartTestInfraOptions,
  startTestInfra,
  type TestInfra,
} from '../infra/test-infra.js';
import { PROVIDED_POSTGRES_KEY } from './provided-context.js';

/** `startTestInfra` options (the shared server comes from the globalSetup) plus the hooks' timeout. */
export interface UseTestInfraOptions extends Omit<StartTestInfraOptions, 'sharedPostgres'> {
  /** Timeout of the start and stop hooks. Default 120 s (a first Postgres or image pull is slow). */
  hookTimeoutMs?: number;
}

/** The suite's infrastructure, readable from tests and from hooks that run after the start hook. */
export type TestInfraHandle = Omit<TestInfra, 'stop'>;

const DEFAULT_HOOK_TIMEOUT_MS = 120_000;

/** The Postgres server the testkit globalSetup provided, or undefined when it is not configured. */
export function providedPostgresServer(): SharedPostgresServer | undefined {
  return inject(PROVIDED_POSTGRES_KEY);
}

/**
 * Starts the suite's own NATS server and migrated database in `beforeAll` (on the run's shared
 * Postgres server when the globalSetup provides one) and stops them in `afterAll`.
 */
export function useTestInfra(options: UseTestInfraOptions = {}): TestInfraHandle {
  const { hookTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS, ...startOptions } = options;
  let infra: TestInfra | undefined;
  beforeAll(async () => {
    infra = await startTestInfra({ ...startOptions, sharedPostgres: providedPostgresServer() });
  }, hookTimeoutMs);
  afterAll(async () => {
    const started = infra;
    infra = undefined;
    await started?.stop();
  }, hookTimeoutMs);

  const running = (): TestInfra => {
    if (infra === undefined) {
      throw new Error(
        "useTestInfra(): the infrastructure is not running; read it inside tests or hooks that run between useTestInfra's beforeAll and afterAll, not while the suite is being collected",
      );
    }
    return infra;
  };
  return {
    get natsUrl() {
      return running().natsUrl;
    },
    get databaseUrl() {
      return running().databaseUrl;
    },
    get nats() {
      return running().nats;
    },
    get postgres() {
      return running().postgres;
    },
    get database() {
      return running().database;
    },
  };
}
