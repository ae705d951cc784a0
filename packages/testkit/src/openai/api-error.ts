/** The `error` object of an API `error` event (`RealtimeError`). */
export interface ApiError {
  type: string;
  code?: string | null;
  message: string;
  param?: string | null;
  event_id?: string | null;
}

export function invalidRequest(
  code: string,
  message: string,
  param: string | null = null,
  eventId: string | null = null,
): ApiError {
  return { type: 'invalid_request_error', code, message, param, event_id: eventId };
}

/** What the API answers a request made while the account's rate limit is exhausted. */
export function rateLimitExceeded(): ApiError {
  return {
    type: 'invalid_request_error',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again in 1.5s.',
    param: null,
    event_id: null,
  };
}
