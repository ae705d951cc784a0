import { DrizzleQueryError } from 'drizzle-orm';

/**
 * The small set of named errors every service maps the same way: `retryable` decides,
 * once, whether a JetStream message is nak'd with a delay or terminated and recorded,
 * and whether an HTTP caller sees a 5xx or a 4xx.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'contract_invalid'
  | 'not_found'
  | 'conflict'
  | 'timeout'
  | 'unavailable'
  | 'upstream_failed'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A missing or invalid environment variable; start-up stops with its name. */
export class ConfigError extends AppError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super('config_invalid', `invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}

/** A payload that does not match its contract. Never retryable: the same bytes fail again. */
export class ContractError extends AppError {
  readonly issues: readonly string[];
  constructor(what: string, issues: readonly string[], cause?: unknown) {
    super('contract_invalid', `${what}: ${issues.join('; ')}`, { cause });
    this.issues = issues;
  }
}

/** An outside dependency (Postgres, NATS, Twilio, OpenAI) failed in a way worth retrying. */
export class UnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', message, { retryable: true, cause });
  }
}

/** A typed result for the edges, where a bad input is a value, not an exception. */
export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Whether an unknown thrown value should be retried (named errors decide; unknown ones do not). */
export function isRetryable(error: unknown): boolean {
  return error instanceof AppError ? error.retryable : false;
}

/**
 * A short, log-safe description of an unknown thrown value. Drizzle's query errors carry the SQL
 * parameters (callers' numbers, summaries) in their message, so only their cause is described.
 */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof DrizzleQueryError) return describeError(error.cause ?? 'query failed');
  if (error instanceof AppError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'NonError', message: String(error) };
}
