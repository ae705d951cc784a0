const MAX_MESSAGE = 500;
const MAX_STACK_LINES = 12;

/**
 * Drops what query errors carry besides the error itself: drizzle and pg put the SQL
 * parameters (transcripts, tool arguments, phone numbers) into the message and the stack.
 */
function scrub(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('params:'))
    .join('\n');
}

export interface SerializedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError;
}

/** pino `err` serializer: type, scrubbed message, code, a short stack, and the cause chain. */
export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const out: SerializedError = {
    type: error.constructor?.name ?? error.name,
    message: scrub(error.message).slice(0, MAX_MESSAGE),
  };
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
  if (error.stack) out.stack = scrub(error.stack).split('\n').slice(0, MAX_STACK_LINES).join('\n');
  if (error.cause !== undefined && depth < 3) {
    const cause = serializeError(error.cause, depth + 1);
    if (cause && typeof cause === 'object') out.cause = cause as SerializedError;
  }
  return out;
}
