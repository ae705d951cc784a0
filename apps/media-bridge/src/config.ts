import {
  baseConfigShape,
  databaseConfigShape,
  httpConfigShape,
  intVariable,
  mediaPathConfigShape,
  openaiConfigShape,
} from '@voice/shared/config';
import { z } from 'zod';
import { GA_SESSION_LIMIT_MS } from './model/model-link.js';

/**
 * A GA realtime session ends at 60 minutes (the beta's limit was 30; PROTOCOLS.md, corrections):
 * rotation must be due at least this long before it, to find a quiet moment and open the next.
 */
const ROTATION_MARGIN_MS = 60_000;

export const mediaBridgeConfigSchema = z.object({
  ...baseConfigShape,
  ...databaseConfigShape,
  ...httpConfigShape(8081),
  ...openaiConfigShape,
  ...mediaPathConfigShape,
  /** Concurrent calls (model sessions) this instance accepts before it declines claims. */
  MAX_SESSIONS: intVariable(100, 1),
  /** A model session is replaced by a fresh one (context restored) at a quiet moment after this long. */
  MODEL_SESSION_MAX_MS: intVariable(55 * 60_000, 1_000, GA_SESSION_LIMIT_MS - ROTATION_MARGIN_MS),
  /** How long a claimed call may wait for the gateway's `start` before its slot is freed. */
  CLAIM_START_TIMEOUT_MS: intVariable(30_000, 1_000, 300_000),
  /** Upper bound of tool discovery at call start. */
  TOOL_DISCOVERY_MAX_WAIT_MS: intVariable(500, 50, 10_000),
  /**
   * How long opening a model socket (TLS, upgrade, `session.created`) may take, and then
   * confirming its configuration (`session.updated`).
   */
  MODEL_CONNECT_TIMEOUT_MS: intVariable(10_000, 500, 60_000),
  /** Attempts to open a replacement model session after the socket dropped, before giving the call up. */
  MODEL_RESTORE_ATTEMPTS: intVariable(4, 1, 20),
  /** Keypad digits pressed within this window reach the model as one message. */
  DTMF_COLLECT_MS: intVariable(1_000, 0, 10_000),
});

export type MediaBridgeConfig = z.infer<typeof mediaBridgeConfigSchema>;
