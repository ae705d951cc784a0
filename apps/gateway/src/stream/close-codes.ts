/**
 * WebSocket close codes the gateway uses on Twilio's media stream (RFC 6455 §7.4.1). One more,
 * 1009 for a frame over `MAX_FRAME_BYTES`, is sent by `ws` itself (its `maxPayload`).
 */
export const CLOSE_NORMAL = 1000;
/** The gateway is shutting down. */
export const CLOSE_GOING_AWAY = 1001;
/** Bad signature, bad / expired / replayed token, no `start`, a storm of bad frames. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Something failed inside the gateway (Postgres down at stream start). */
export const CLOSE_INTERNAL_ERROR = 1011;
