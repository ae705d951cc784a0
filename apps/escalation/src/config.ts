import {
  baseConfigShape,
  databaseConfigShape,
  devDefault,
  httpConfigShape,
  intVariable,
} from '@voice/shared/config';
import { z } from 'zod';

export const escalationConfigSchema = z.object({
  ...baseConfigShape,
  ...databaseConfigShape,
  ...httpConfigShape(8083),
  /** The URL humans reach the console at; an https one makes its session cookies secure. */
  ESCALATION_PUBLIC_BASE_URL: devDefault(z.url(), 'http://127.0.0.1:8083'),
  /** HMAC key of the human agents' console session cookies (32+ chars). */
  CONSOLE_SESSION_SECRET: devDefault(z.string().min(32), 'dev-console-session-secret-change-me-0123456789'),
  /** How long a console login lasts. */
  CONSOLE_SESSION_HOURS: intVariable(12, 1, 24 * 7),
  /** How long a human's phone rings before the attempt counts as no-answer. */
  DIAL_TIMEOUT_SECONDS: intVariable(20, 5, 600),
  /** The call-back promise told to the caller when nobody is free. */
  CALLBACK_ETA_MINUTES: intVariable(15, 1, 24 * 60),
  /**
   * How long a call-control command (transfer, enqueue) waits for the ingress' answer (ms); no
   * answer is retried like a carrier outage. Longer than the gateway's REST client may take
   * (a 10 s timeout, Twilio's 429s waited out for up to about 20 s).
   */
  CALL_CONTROL_TIMEOUT_MS: intVariable(30_000, 100, 120_000),
  /** Upper bound of the redelivery backoff of escalation requests that failed transiently. */
  INTAKE_MAX_BACKOFF_MS: intVariable(30_000, 100, 3_600_000),
  /**
   * Longest wait, once a human is reserved, for the media-bridge to say the agent's hand-off
   * line has played before the call is moved anyway (moving it cuts off unplayed audio).
   */
  ANNOUNCEMENT_WAIT_MS: intVariable(8_000, 0, 60_000),
  /** Escalation requests handled at once by one instance. */
  INTAKE_CONCURRENCY: intVariable(4, 1, 64),
});

/** The escalation service's parsed environment. */
export type EscalationConfig = z.infer<typeof escalationConfigSchema>;
