import { ToolInputParsingException } from '@langchain/core/tools';
import type { ToolError, ToolErrorCode, ToolResponse } from '@voice/shared/contracts';
import { isDatabaseUnavailable } from '@voice/shared/db';
import { AppError, type ErrorCode } from '@voice/shared/errors';

/** Codes a retry may cure by itself; the rest need different arguments or a different request. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ToolErrorCode> = new Set(['timeout', 'unavailable']);
/** The contract's bound on an error message. */
const MAX_MESSAGE_LENGTH = 2_000;

/**
 * What a tool throws to answer with a typed error instead of a result: `not_found` when the
 * thing asked about does not exist, `conflict` when the state forbids it (a slot already
 * taken), `bad_arguments` for a check the schema cannot express. The message goes to the
 * model as is, so write it as advice it can act on or say.
 */
export class ToolCallError extends Error {
  readonly code: ToolErrorCode;
  readonly retryable: boolean;

  constructor(code: ToolErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ToolCallError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
  }
}

/** A tool's typed error envelope, with the retry flag every code implies. */
export function toolError(code: ToolErrorCode, message: string, retryable?: boolean): ToolError {
  return {
    code,
    message: message.slice(0, MAX_MESSAGE_LENGTH),
    retryable: retryable ?? RETRYABLE_BY_DEFAULT.has(code),
  };
}

/** A failed tool response: what the model is told when a call cannot produce a result. */
export function toolFailure(code: ToolErrorCode, message: string, retryable?: boolean): ToolResponse {
  return { ok: false, error: toolError(code, message, retryable) };
}

const APP_ERROR_CODES: Partial<Record<ErrorCode, ToolErrorCode>> = {
  not_found: 'not_found',
  conflict: 'conflict',
  timeout: 'timeout',
  unavailable: 'unavailable',
  upstream_failed: 'unavailable',
  contract_invalid: 'bad_arguments',
};

export const UNAVAILABLE_MESSAGE =
  'The system behind this tool is unavailable right now. Tell the caller and try again in a moment.';
export const INTERNAL_MESSAGE = 'The tool failed unexpectedly. Tell the caller it did not work this time.';

/**
 * Maps whatever a tool threw to the envelope the model sees. `expected` is false for the
 * unexpected (a bug): the caller logs those with their details, which never reach the model.
 */
export function toToolError(error: unknown): { error: ToolError; expected: boolean } {
  if (error instanceof ToolCallError) {
    return { error: toolError(error.code, error.message, error.retryable), expected: true };
  }
  if (error instanceof ToolInputParsingException) {
    return { error: toolError('bad_arguments', error.message), expected: true };
  }
  if (isDatabaseUnavailable(error)) {
    return { error: toolError('unavailable', UNAVAILABLE_MESSAGE), expected: true };
  }
  if (error instanceof AppError) {
    const code = APP_ERROR_CODES[error.code];
    if (code) return { error: toolError(code, error.message, error.retryable), expected: true };
  }
  return { error: toolError('internal', INTERNAL_MESSAGE), expected: false };
}
