import { isDatabaseUnavailable } from '@voice/shared/db';
import { AppError, describeError, UnavailableError } from '@voice/shared/errors';

/**
 * How a failure is handled, decided once:
 * - `transient`: a dependency is away (Postgres down, Twilio 5xx/429, network): retry later;
 * - `permanent`: retrying cannot help (Twilio 4xx such as the call already ended): record and tell;
 * - `unexpected`: a bug or an unknown state: retried a few times (a deploy may fix it), then permanent.
 */
export type FailureKind = 'transient' | 'permanent' | 'unexpected';

export function failureKind(error: unknown): FailureKind {
  if (error instanceof AppError) return error.retryable ? 'transient' : 'permanent';
  if (isDatabaseUnavailable(error)) return 'transient';
  return 'unexpected';
}

/** A short reason to store with a failed escalation (no personal data). */
export function failureReason(error: unknown): string {
  const twilioCode = twilioErrorCode(error);
  if (twilioCode !== undefined) return `twilio rejected the call update (${twilioCode})`;
  const { message } = describeError(error);
  return message.slice(0, 300);
}

/** How deep to follow `cause`: the REST error may be wrapped by ours, and that once more. */
const CAUSE_DEPTH = 5;

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
