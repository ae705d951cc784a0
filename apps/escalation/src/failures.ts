import { isDatabaseUnavailable } from '@voice/shared/db';
import { AppError, describeError, UnavailableError } from '@voice/shared/errors';

/**
 * How a failure is handled, decided once:
 * - `transient`: a dependency is away (Postgres down, no ingress answering, the carrier 5xx/429): retry later;
 * - `permanent`: retrying cannot help: record and tell;
 * - `unexpected`: a bug or an unknown state: retried a few times (a deploy may fix it), then permanent.
 * A call-control refusal (the call ended) is a reply, handled where the command was sent.
 */
export type FailureKind = 'transient' | 'permanent' | 'unexpected';

export function failureKind(error: unknown): FailureKind {
  if (error instanceof AppError) return error.retryable ? 'transient' : 'permanent';
  if (isDatabaseUnavailable(error)) return 'transient';
  return 'unexpected';
}

/** A short reason to store with a failed escalation (no personal data). */
export function failureReason(error: unknown): string {
  const { message } = describeError(error);
  return message.slice(0, 300);
}

/** The ingress did not take a call-control command for a reason worth retrying. */
export class TransferUnavailableError extends UnavailableError {}
