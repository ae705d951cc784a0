import type { z } from 'zod';
import { ContractError, err, ok, type Result } from '../errors/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serialises a contract value for the wire. Types are checked at compile time; the receiver parses. */
export function encodeJson<S extends z.ZodType>(_schema: S, value: z.input<S>): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Validates an already-decoded value against a contract: the receiving edge's one entry point. */
export function parseContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): Result<z.output<S>, ContractError> {
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(new ContractError(what, issuesOf(parsed.error)));
}

/** Decodes bytes or text (JSON) and validates them against a contract; never throws. */
export function decodeJson<S extends z.ZodType>(
  schema: S,
  data: Uint8Array | string,
  what: string,
): Result<z.output<S>, ContractError> {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : decoder.decode(data));
  } catch (cause) {
    return err(new ContractError(what, ['not valid JSON'], cause));
  }
  return parseContract(schema, value, what);
}
