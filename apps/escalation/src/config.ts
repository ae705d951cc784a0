import {
  baseConfigShape,
  databaseConfigShape,
  devDefault,
  httpConfigShape,
  intVariable,
  twilioConfigShape,
} from '@voice/shared/config';
import { z } from 'zod';

export const escalationConfigSchema = z.object({
  ...baseConfigShape,
  ...databaseConfigShape,
  ...httpConfigShape(8083),
  ...twilioConfigShape,
  /** The https URL Twilio reaches this service at (dial outcome callbacks, whisper TwiML). */
  ESCALATION_PUBLIC_BASE_URL: devDefault(z.url(), 'http://127.0.0.1:8083'),
  /** HMAC key of the human agents' console session cookies (32+ chars). */
  CONSOLE_SESSION_SECRET: devDefault(z.string().min(32), 'dev-console-session-secret-change-me-0123456789'),
  /** How long a console login lasts. */
  CONSOLE_SESSION_HOURS: intVariable(12, 1, 24 * 7),
  /** How long Twilio rings a human before the attempt counts as no-answer. */
  DIAL_TIMEOUT_SECONDS: intVariable(20, 5, 600),
  /** The call-back promise told to the caller when nobody is free. */
  CALLBACK_ETA_MINUTES: intVariable(15, 1, 24 * 60),
  /** Music played to callers on hold in the queue fallback; silence (`<Pause>`) when unset. */
  HOLD_MUSIC_URL: z.url().optional(),
  /** Pause between hold updates when there is no hold music. */
  HOLD_PAUSE_SECONDS: intVariable(20, 1, 600),
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
