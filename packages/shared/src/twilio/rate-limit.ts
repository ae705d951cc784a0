import { setTimeout as sleep } from 'node:timers/promises';
import twilio from 'twilio';
// The SDK's own types of its HTTP client; the root typings do not re-export the namespace.
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as HttpResponse from 'twilio/lib/http/response.js';
import { backoffDelay } from '../retry/index.js';

/** How patiently a rate-limited REST request is repeated. */
export interface RateLimitRetry {
  /** Repeats after the first 429, at most. */
  maxRetries: number;
  /** The first backoff without `Retry-After`; it doubles per repeat. */
  baseDelayMs: number;
  /** No single wait is longer, whatever `Retry-After` asks. */
  maxDelayMs: number;
}

export const DEFAULT_RATE_LIMIT_RETRY: RateLimitRetry = {
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
};

const MS_PER_SECOND = 1_000;
const HALF_FIXED_HALF_RANDOM = [0.5, 1] as const;

/**
 * How long to wait before repeat `attempt` (1-based): `Retry-After` when the answer has one
 * (delta-seconds or an HTTP date, RFC 9110 §10.2.3), else exponential backoff with jitter
 * (half fixed, half random), always capped.
 */
export function rateLimitDelayMs(
  retryAfter: unknown,
  attempt: number,
  policy: RateLimitRetry,
  random: () => number = Math.random,
): number {
  const asked = retryAfterMs(retryAfter);
  if (asked !== undefined) return Math.min(policy.maxDelayMs, asked);
  return backoffDelay({
    attempt,
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: HALF_FIXED_HALF_RANDOM,
    random,
  });
}

function retryAfterMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * MS_PER_SECOND);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The SDK's HTTP client, repeating requests Twilio answered 429 (error 20429: too many
 * concurrent requests; such a request "is never processed and is always safe to retry",
 * https://www.twilio.com/docs/errors/20429). The SDK's own `autoRetry` ignores `Retry-After`
 * and gives up after three tries within about a second and a half
 * (node_modules/twilio/lib/base/RequestClient.js, `getExponentialBackoffResponseHandler`).
 * When the repeats run out, the 429 reaches the caller as the SDK's `RestException`.
 */
export class RateLimitRetryingClient extends twilio.RequestClient {
  constructor(
    options: RequestClient.RequestClientOptions,
    private readonly policy: RateLimitRetry = DEFAULT_RATE_LIMIT_RETRY,
  ) {
    super({ ...options, autoRetry: false });
  }

  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<HttpResponse.default<TData>> {
    for (let attempt = 1; ; attempt++) {
      const response = await super.request(opts);
      if (response.statusCode !== 429 || attempt > this.policy.maxRetries) return response;
      const headers = (response.headers ?? {}) as Record<string, unknown>;
      const delayMs = rateLimitDelayMs(headers['retry-after'], attempt, this.policy);
      await sleep(delayMs);
    }
  }
}
