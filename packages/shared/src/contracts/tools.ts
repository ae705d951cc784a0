import { z } from 'zod';
import { agentIdSchema, callSidSchema, phoneSchema, toolCallIdSchema, toolNameSchema } from './ids.js';

/**
 * media-bridge → tool worker (`subjects.tool(name)`, NATS request/reply). Workers always
 * answer with a `ToolResponse`; a caller never has to guess from a timeout.
 */
export const toolCallContextSchema = z.object({
  callSid: callSidSchema,
  /** The caller's number, so a tool can default to "the person on the line". */
  from: phoneSchema,
  to: phoneSchema,
  agentId: agentIdSchema,
});
export type ToolCallContext = z.infer<typeof toolCallContextSchema>;

export const toolRequestSchema = z.object({
  toolCallId: toolCallIdSchema,
  name: toolNameSchema,
  /** The model's arguments, already JSON-parsed; the worker validates them with the tool's schema. */
  arguments: z.unknown(),
  context: toolCallContextSchema,
  /** How long the caller will wait; the worker gives up (and says so) a little before. */
  timeoutMs: z.number().int().positive().max(120_000),
});
export type ToolRequest = z.infer<typeof toolRequestSchema>;

export const toolErrorCodeSchema = z.enum([
  /** The arguments do not match the tool's schema: the model should fix and retry. */
  'bad_arguments',
  /** The thing asked about does not exist. */
  'not_found',
  /** The request conflicts with the current state (slot already taken). */
  'conflict',
  'timeout',
  /** No worker serves the tool, or its backing store is down. */
  'unavailable',
  'internal',
]);
export type ToolErrorCode = z.infer<typeof toolErrorCodeSchema>;

export const toolErrorSchema = z.object({
  code: toolErrorCodeSchema,
  /** Plain words the model can act on or say; never a stack trace. */
  message: z.string().max(2_000),
  retryable: z.boolean(),
});
export type ToolError = z.infer<typeof toolErrorSchema>;

export const toolResponseSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    result: z.unknown(),
    /** The stored result of an earlier identical call (idempotent retry). */
    replayed: z.boolean().default(false),
  }),
  z.object({ ok: z.literal(false), error: toolErrorSchema }),
]);
export type ToolResponse = z.infer<typeof toolResponseSchema>;

/**
 * Keys of a tool endpoint's NATS service metadata: discovery reads the tool's contract
 * from here, so a new worker's tools reach the next call with nothing restarted.
 */
export const toolMetadataKeys = {
  description: 'tool.description',
  /** The JSON Schema of the arguments, flat (as OpenAI Realtime's function tools take it). */
  parameters: 'tool.parameters',
  timeoutMs: 'tool.timeout_ms',
} as const;

/** A tool as the model is offered it (`session.update` → `tools[]`). */
export const realtimeToolSchema = z.object({
  type: z.literal('function'),
  name: toolNameSchema,
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type RealtimeTool = z.infer<typeof realtimeToolSchema>;
