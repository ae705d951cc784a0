import twilio from 'twilio';
import type { CallControlError } from '../contracts/index.js';
import { AppError, UnavailableError } from '../errors/index.js';
import { type RateLimitRetry, RateLimitRetryingClient } from './rate-limit.js';

export type TwilioClient = ReturnType<typeof twilio>;

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Replaces `https://api.twilio.com` (tests and the demo point it at the local fake). */
  apiBaseUrl?: string | undefined;
  timeoutMs?: number;
  /** How requests Twilio answers 429 are repeated (default `DEFAULT_RATE_LIMIT_RETRY`). */
  rateLimitRetry?: RateLimitRetry;
}

/** The official REST client, optionally pointed at another base URL; it waits out 429s. */
export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const timeout = options.timeoutMs ?? 10_000;
  const client = twilio(options.accountSid, options.authToken, {
    timeout,
    httpClient: new RateLimitRetryingClient({ timeout }, options.rateLimitRetry),
  });
  if (options.apiBaseUrl) client.api.baseUrl = options.apiBaseUrl.replace(/\/$/, '');
  return client;
}

/**
 * The Twilio REST side of a live call (the gateway's part of the call-control port). A `<Connect><Stream>` call does not end reliably
 * when the socket closes: hang-ups and transfers always go through the REST API.
 */
export interface CallControl {
  /** Ends the call (`Status=completed`). A call that already ended is not an error. */
  hangup(callSid: string): Promise<void>;
  /** Replaces what the call is doing with new TwiML (transfer, hold, goodbye). */
  redirect(callSid: string, twiml: string): Promise<void>;
}

/** Twilio's "the call is not in progress / does not exist" answers. */
const CALL_GONE_CODES = new Set([20404, 21220]);

function mapRestError(error: unknown, action: string, callSid: string): Error {
  // A 429 still here has outlasted the client's repeats: transient, like a 5xx.
  const status = error instanceof twilio.RestException ? error.status : undefined;
  const code = (error as { code?: number | string }).code;
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429) {
    return new AppError(
      status === 404 ? 'not_found' : 'upstream_failed',
      `twilio ${action} ${callSid}: ${status}`,
      {
        cause: error,
      },
    );
  }
  return new UnavailableError(`twilio ${action} ${callSid} failed (${status ?? code ?? 'network'})`, error);
}

export function createCallControl(client: TwilioClient): CallControl {
  return {
    async hangup(callSid) {
      try {
        await client.calls(callSid).update({ status: 'completed' });
      } catch (error) {
        if (error instanceof twilio.RestException && CALL_GONE_CODES.has(error.code ?? 0)) return;
        throw mapRestError(error, 'hangup', callSid);
      }
    },
    async redirect(callSid, twiml) {
      try {
        await client.calls(callSid).update({ twiml });
      } catch (error) {
        throw mapRestError(error, 'redirect', callSid);
      }
    },
  };
}

/** How deep to follow `cause`: the REST error may be wrapped by ours, and that once more. */
const CAUSE_DEPTH = 5;

/** Twilio's numeric error code (21220 = call not in progress) from a REST error or its wrapper. */
export function twilioErrorCode(error: unknown): number | undefined {
  return numberInCauses(error, 'code');
}

function numberInCauses(error: unknown, key: 'code' | 'status'): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Object && depth < CAUSE_DEPTH; depth++) {
    const value = (current as Record<string, unknown>)[key];
    if (typeof value === 'number') return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A failed REST call as the call-control port reports it. Twilio's code stays in the message:
 * it is what an operator looks up. Anything not known to be permanent is worth retrying.
 */
export function callControlErrorOf(error: unknown): CallControlError {
  const code = twilioErrorCode(error);
  if (!(error instanceof AppError) || error.retryable) {
    const status = numberInCauses(error, 'status');
    const detail = status === undefined ? 'network' : `${status}${code === undefined ? '' : `, ${code}`}`;
    return {
      code: 'unavailable',
      message: `twilio did not take the call update (${detail})`,
      retryable: true,
    };
  }
  return {
    code: code !== undefined && CALL_GONE_CODES.has(code) ? 'call_gone' : 'rejected',
    message: `twilio rejected the call update (${code ?? error.message.slice(0, 200)})`,
    retryable: false,
  };
}
