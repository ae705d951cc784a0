import type { SignedPostResult } from './signing.js';

/**
 * Twilio retrying a voice webhook once (its default retry count, `#rc=1`: Twilio docs,
 * "Webhooks connection overrides"). The retry carries the same body, signature and
 * `I-Twilio-Idempotency-Token`, and behind a load balancer it may reach another gateway
 * instance (PROTOCOLS.md, corrections of 2026-12-02). Twilio uses the answer of the attempt
 * that succeeded: the retry's.
 */
export interface WebhookRetry {
  /**
   * What failed the first attempt, as Twilio sees it:
   * - `timeout`: no answer within `readTimeoutMs` (`#rt`, retried under `#rp=rt`); the gateway
   *   may still be working on it and its late answer is dropped.
   * - `lost`: the gateway answered, but the answer never reached Twilio (a proxy between them
   *   reset the connection): a read timeout to Twilio, reached after the gateway finished. The
   *   deterministic form of `timeout`.
   * - `5xx`: the first attempt answered 5xx (`#rp=5xx`); any other answer is taken, no retry.
   */
  after: 'timeout' | 'lost' | '5xx';
  /** The gateway the retry reaches (`http://127.0.0.1:PORT`); default the first attempt's. */
  to?: string;
  /** `#rt` of the first attempt (100–15000 ms; Twilio's default 15000). Only for `timeout`. */
  readTimeoutMs?: number;
}

/** One attempt of a webhook as Twilio made it, and what Twilio made of it. */
export interface WebhookAttempt {
  /** The gateway it reached. */
  gatewayUrl: string;
  idempotencyToken: string;
  /** The answer Twilio received; undefined when none reached it. */
  result: SignedPostResult | undefined;
  /** Why Twilio did not take this answer (and retried), if it did not. */
  failed?: 'timeout' | 'lost' | '5xx' | 'connection';
}

/** Twilio's documented bounds of `#rt` (ms). */
const READ_TIMEOUT_MIN_MS = 100;
const READ_TIMEOUT_MAX_MS = 15_000;

export type PostAttempt = (gatewayUrl: string, readTimeoutMs?: number) => Promise<SignedPostResult>;

/**
 * Delivers one webhook: the first attempt to `gatewayUrl`, then (when `retry` says the first
 * failed) the retry to `retry.to`. Returns the answer Twilio takes (status 0 when no attempt
 * got one) after `record`ing every attempt. Without `retry`, a failed attempt throws.
 */
export async function deliverWebhook(options: {
  gatewayUrl: string;
  idempotencyToken: string;
  retry: WebhookRetry | undefined;
  post: PostAttempt;
  record: (attempt: WebhookAttempt) => void;
}): Promise<SignedPostResult> {
  const { retry, idempotencyToken, gatewayUrl } = options;
  if (!retry) {
    const result = await options.post(gatewayUrl);
    options.record({ gatewayUrl, idempotencyToken, result });
    return result;
  }
  const first = await attempt(options.post, gatewayUrl, readTimeoutOf(retry));
  const failed = firstFailure(retry, first);
  options.record({ gatewayUrl, idempotencyToken, result: first.result, ...(failed ? { failed } : {}) });
  if (!failed) return first.result ?? NO_ANSWER;

  const to = retry.to ?? gatewayUrl;
  const second = await attempt(options.post, to, undefined);
  options.record({ gatewayUrl: to, idempotencyToken, result: second.result, ...failedOf(second) });
  return second.result ?? NO_ANSWER;
}

const NO_ANSWER: SignedPostResult = { status: 0, body: '' };

function failedOf(outcome: { failed?: WebhookAttempt['failed'] }) {
  return outcome.failed ? { failed: outcome.failed } : {};
}

function readTimeoutOf(retry: WebhookRetry | undefined): number | undefined {
  if (retry?.after !== 'timeout') return undefined;
  const ms = retry.readTimeoutMs ?? READ_TIMEOUT_MAX_MS;
  if (ms < READ_TIMEOUT_MIN_MS || ms > READ_TIMEOUT_MAX_MS) {
    throw new RangeError(
      `readTimeoutMs must be within ${READ_TIMEOUT_MIN_MS}–${READ_TIMEOUT_MAX_MS} ms (#rt)`,
    );
  }
  return ms;
}

/** Why the first attempt counts as failed under `retry`, or undefined when Twilio takes it. */
function firstFailure(
  retry: WebhookRetry,
  first: { result: SignedPostResult | undefined; failed?: WebhookAttempt['failed'] },
): WebhookAttempt['failed'] {
  if (first.failed) return first.failed;
  if (retry.after === 'lost') return 'lost';
  if (retry.after === '5xx' && (first.result?.status ?? 0) >= 500) return '5xx';
  return undefined;
}

async function attempt(
  post: PostAttempt,
  gatewayUrl: string,
  readTimeoutMs: number | undefined,
): Promise<{ result: SignedPostResult | undefined; failed?: WebhookAttempt['failed'] }> {
  try {
    return { result: await post(gatewayUrl, readTimeoutMs) };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { result: undefined, failed: timedOut ? 'timeout' : 'connection' };
  }
}
