import type { ApiError } from './api-error.js';
import { newId } from './ids.js';

/** An `error` event's body (defaults: a server error). */
export function serverError(error: Partial<ApiError> = {}): ApiError {
  return {
    type: 'server_error',
    code: null,
    message: 'The server had an error.',
    param: null,
    event_id: null,
    ...error,
  };
}

/** What a robust client must survive: invalid JSON, a wrong shape, an unknown type. */
export function malformedMessages(): string[] {
  return [
    '{"type":"response.output_audio.delta",',
    JSON.stringify({ type: 'response.output_audio.delta', event_id: newId('event'), delta: 42 }),
    JSON.stringify({ type: 'fake.unknown_event', event_id: newId('event') }),
  ];
}

/** Exhausted rate limits, as `rate_limits.updated` reports them. */
export const EXHAUSTED_RATE_LIMITS = [
  { name: 'requests', limit: 1_000, remaining: 0, reset_seconds: 1.5 },
  { name: 'tokens', limit: 40_000, remaining: 0, reset_seconds: 6 },
];

/** The error the API sends when a request hits exhausted rate limits. */
export const RATE_LIMIT_ERROR: Partial<ApiError> = {
  type: 'rate_limit_error',
  code: 'rate_limit_exceeded',
  message: 'Rate limit reached for requests.',
};

/**
 * The words of a session's end at its maximum duration, sent both as the `session_expired`
 * error and as the close 1001 reason. Shape from real sessions: livekit/agents#2358 and
 * twilio-samples/speech-assistant-openai-realtime-api-python#10 (the error event),
 * pollen-robotics/reachy_mini_conversation_app#134 (close 1001 "Your session hit the
 * maximum duration of 60 minutes."). The GA limit is 60 minutes (PROTOCOLS.md, corrections).
 */
export function expiryMessage(maxSessionMs: number): string {
  return `Your session hit the maximum duration of ${durationWords(maxSessionMs)}.`;
}

/** "60 minutes", or seconds for a limit a test shrank below a minute. */
function durationWords(ms: number): string {
  const minutes = ms / 60_000;
  return Number.isInteger(minutes) ? `${minutes} minutes` : `${Math.round(ms / 1_000)} seconds`;
}
