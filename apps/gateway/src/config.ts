import {
  baseConfigShape,
  databaseConfigShape,
  devDefault,
  httpConfigShape,
  intVariable,
  mediaPathConfigShape,
  publicUrlConfigShape,
  twilioConfigShape,
} from '@voice/shared/config';
import { z } from 'zod';

export const gatewayConfigSchema = z
  .object({
    ...baseConfigShape,
    ...databaseConfigShape,
    ...httpConfigShape(8080),
    ...twilioConfigShape,
    ...publicUrlConfigShape,
    ...mediaPathConfigShape,
    /** HMAC key of the per-call stream token (`<Parameter>` on the media stream). */
    STREAM_TOKEN_SECRET: devDefault(
      z.string().min(16, 'use at least 16 characters'),
      'dev-stream-token-secret-change-me',
    ),
    /** Live calls this gateway holds before it answers busy. */
    MAX_LIVE_CALLS: intVariable(500, 1),
    /** How long one claim request waits for a media-bridge to answer (ms). */
    CLAIM_TIMEOUT_MS: intVariable(1_500, 50, 10_000),
    /** Claim requests per call before answering busy (a full bridge declines, another may have room). */
    CLAIM_ATTEMPTS: intVariable(3, 1, 10),
    /** Lifetime of a stream token: Twilio opens the stream within a second or two of the webhook (ms). */
    STREAM_TOKEN_TTL_MS: intVariable(60_000, 1_000, 600_000),
    /** Bad frames (binary, malformed, oversized, out of order) tolerated per window before the stream closes. */
    MAX_BAD_FRAMES: intVariable(50, 1),
    BAD_FRAME_WINDOW_MS: intVariable(10_000, 100),
    /** Largest WebSocket message accepted; bigger ones close the stream with 1009 (bytes). */
    MAX_FRAME_BYTES: intVariable(65_536, 1_024, 16_777_216),
    /** How long an open stream may take to present a valid `start` (ms). */
    STREAM_START_TIMEOUT_MS: intVariable(10_000, 100, 120_000),
    /**
     * On shutdown, how long live calls get to finish before their streams are closed (ms).
     * Default: `SHUTDOWN_TIMEOUT_MS` less a reserve for closing everything else.
     */
    DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
    /** Music played to callers holding in a transfer queue; silence (`<Pause>`) when unset. */
    HOLD_MUSIC_URL: z.url().optional(),
    /** Pause between hold updates when there is no hold music (s). */
    HOLD_PAUSE_SECONDS: intVariable(20, 1, 600),
    /**
     * How long a transfer callback waits for the escalation service's answer (ms); Twilio gives
     * up on a callback after 15 s, and a failed answer still ends the call politely.
     */
    TRANSFER_ANSWER_TIMEOUT_MS: intVariable(5_000, 100, 12_000),
  })
  .refine(
    (config) => config.DRAIN_TIMEOUT_MS === undefined || config.DRAIN_TIMEOUT_MS < config.SHUTDOWN_TIMEOUT_MS,
    {
      path: ['DRAIN_TIMEOUT_MS'],
      message: 'must be shorter than SHUTDOWN_TIMEOUT_MS (the drain is part of the shutdown)',
    },
  );

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Time kept after the drain for flushing events and closing HTTP, NATS and Postgres (ms). */
const SHUTDOWN_RESERVE_MS = 3_000;

/** How long shutdown waits for live calls: the configured drain, or what the shutdown budget leaves. */
export function drainTimeoutMs(config: GatewayConfig): number {
  return config.DRAIN_TIMEOUT_MS ?? Math.max(0, config.SHUTDOWN_TIMEOUT_MS - SHUTDOWN_RESERVE_MS);
}
