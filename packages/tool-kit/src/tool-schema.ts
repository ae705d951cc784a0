import type { StructuredToolInterface } from '@langchain/core/tools';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import type { z } from 'zod';

/** At most this many problems are listed back to the model; the first few are enough to fix a call. */
const MAX_LISTED_ISSUES = 5;

/**
 * The tool's arguments as JSON Schema, flat, as OpenAI Realtime's function tools take it.
 * Converted in `input` mode so fields with defaults stay optional for the model, and without
 * `$schema`, which the realtime API does not expect.
 */
export function toolParameters(tool: StructuredToolInterface): Record<string, unknown> {
  const converted = toJsonSchema(tool.schema, { io: 'input' }) as Record<string, unknown>;
  const { $schema: _dialect, ...parameters } = converted;
  return parameters;
}

/** The outcome of checking arguments against a tool's schema. */
export type ArgumentCheck = { ok: true } | { ok: false; message: string };

function isZodSchema(schema: unknown): schema is z.ZodType {
  return typeof (schema as { safeParse?: unknown } | null)?.safeParse === 'function';
}

/**
 * Checks the model's arguments against the tool's zod schema and, when they do not fit, says
 * which fields are wrong and what was expected, so the model can correct its next call.
 * Schemas that are not zod (plain JSON Schema) are left to LangChain's own validation.
 */
export function checkArguments(tool: StructuredToolInterface, args: unknown): ArgumentCheck {
  if (!isZodSchema(tool.schema)) return { ok: true };
  const parsed = tool.schema.safeParse(args);
  if (parsed.success) return { ok: true };
  return { ok: false, message: describeIssues(tool.name, parsed.error) };
}

/** "Invalid arguments for book_appointment: slotId: Invalid input: expected number, received string." */
export function describeIssues(toolName: string, error: z.ZodError): string {
  const listed = error.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
    return `${field}: ${issue.message}`;
  });
  const more = error.issues.length - listed.length;
  const suffix = more > 0 ? `; and ${more} more` : '';
  return `Invalid arguments for ${toolName}: ${listed.join('; ')}${suffix}. Fix them and call the tool again.`;
}
