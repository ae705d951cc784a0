import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { devDefault } from './dev-defaults.js';

/**
 * Reusable pieces of each app's environment schema. Names follow what the SDKs already use
 * (see the README's configuration table). Development defaults work on a machine with local
 * NATS and Postgres; `NODE_ENV=production` turns every `devDefault` into a required variable.
 */

/** A yes/no variable (`true`/`false`, `1`/`0`, `yes`/`no`); unset is false. */
export const boolVariable = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** An integer variable with a default and bounds. */
export const intVariable = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/voice_agent';
export const LOCAL_NATS_URL = 'nats://127.0.0.1:4222';

/** Every service: logging, NATS, shutdown. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Debug only: log transcripts, tool arguments and full phone numbers. Never in production. */
  LOG_SENSITIVE: boolVariable,
  NATS_URL: z.string().min(1).default(LOCAL_NATS_URL),
  /** How long SIGTERM waits for in-flight work before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: intVariable(10_000, 100, 600_000),
  /** A name for this instance in logs, metrics and claims (defaults to host + pid). */
  INSTANCE_ID: z.string().min(1).max(100).optional(),
  /**
   * Root of the outbox journals: events are written here before they reach JetStream, and a
   * restarted process relays what its previous life left. Use a persistent volume in production.
   */
  OUTBOX_DIR: z.string().min(1).default(join(tmpdir(), 'voice-outbox')),
};

export const databaseConfigShape = {
  DATABASE_URL: z.string().min(1).default(LOCAL_DATABASE_URL),
  DATABASE_POOL_MAX: intVariable(10, 1, 200),
};

export const httpConfigShape = (defaultPort: number) => ({
  PORT: intVariable(defaultPort, 0, 65_535),
  HOST: z.string().min(1).default('0.0.0.0'),
});

export const twilioConfigShape = {
  TWILIO_ACCOUNT_SID: devDefault(
    z.string().regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID (AC + 32 hex)'),
    'AC00000000000000000000000000000000',
  ),
  TWILIO_AUTH_TOKEN: devDefault(z.string().min(1), 'dev-twilio-auth-token'),
  /** Point the Twilio REST client elsewhere (tests and the demo use the fake). */
  TWILIO_API_BASE_URL: z.url().optional(),
};

export const openaiConfigShape = {
  OPENAI_API_KEY: devDefault(z.string().min(1), 'sk-dev-no-key'),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_REALTIME_MODEL: z.string().min(1).default('gpt-realtime'),
  /** PEM of an extra CA to trust for the realtime socket (the local fake's test certificate). */
  OPENAI_EXTRA_CA_FILE: z.string().min(1).optional(),
};

/** The gateway and the media-bridge: how their media leaves for NATS. */
export const mediaPathConfigShape = {
  /**
   * How long the first media message of a batch may wait for more before the write (ms, 0–2).
   * 0: it leaves at the end of its event-loop turn, with whatever else that turn published.
   */
  MEDIA_FLUSH_WINDOW_MS: intVariable(0, 0, 2),
};

export const publicUrlConfigShape = {
  /** The https URL Twilio reaches the gateway at; signatures are checked against it. */
  PUBLIC_BASE_URL: devDefault(z.url(), 'http://127.0.0.1:8080'),
};
