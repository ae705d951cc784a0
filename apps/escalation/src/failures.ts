import { AppError, describeError, UnavailableError } from '@voice/shared/errors';
import { DrizzleQueryError } from 'drizzle-orm';

/**
 * How a failure is handled, decided once:
 * - `transient`: a dependency is away (Postgres down, Twilio 5xx/429, network): retry later;
 * - `permanent`: retrying cannot help (Twilio 4xx such as the call already ended): record and tell;
 * - `unexpected`: a bug or an unknown state: retried a few times (a deploy may fix it), then permanent.
 */
export type FailureKind = 'transient' | 'permanent' | 'unexpected';

/** Connection-level Postgres failures (the server is down or restarting), never a bad query. */
const PG_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** SQLSTATE class 08: connection exception. */
const PG_CONNECTION_CLASS = '08';
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];
const CAUSE_DEPTH = 5;

export function failureKind(error: unknown): FailureKind {
  if (error instanceof AppError) return error.retryable ? 'transient' : 'permanent';
  if (isDatabaseConnectionError(error)) return 'transient';
  return 'unexpected';
}

export function isDatabaseConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Object && depth < CAUSE_DEPTH; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_CONNECTION_CODES.has(code) || code.startsWith(PG_CONNECTION_CLASS))) {
      return true;
    }
    const message = String((current as { message?: unknown }).message ?? '');
    if (PG_CONNECTION_MESSAGES.some((m) => message.includes(m))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A log-safe description of a failure. Drizzle's query errors carry the SQL parameters
 * (callers' numbers, summaries) in their message, so only their cause is described.
 */
export function describeFailure(error: unknown): { name: string; message: string; code?: string } {
  return describeError(error instanceof DrizzleQueryError ? (error.cause ?? 'query failed') : error);
}

/** A short reason to store with a failed escalation (no personal data). */
export function failureReason(error: unknown): string {
  const twilioCode = twilioErrorCode(error);
  if (twilioCode !== undefined) return `twilio rejected the call update (${twilioCode})`;
  const { message } = describeFailure(error);
  return message.slice(0, 300);
}

/** Twilio's numeric error code (21220 = call not in progress) from a REST error or its wrapper. */
export function twilioErrorCode(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Object && depth < CAUSE_DEPTH; depth++) {
    const code = (current as { code?: unknown; moreInfo?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Twilio did not take a call update for a reason worth retrying (5xx, 429, network). */
export class TransferUnavailableError extends UnavailableError {}
