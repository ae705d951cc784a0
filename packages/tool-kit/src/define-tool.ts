import type { RunnableConfig } from '@langchain/core/runnables';
import { type StructuredToolInterface, tool } from '@langchain/core/tools';
import { type ToolCallContext, toolCallContextSchema } from '@voice/shared/contracts';
import type { z } from 'zod';
import { ToolCallError } from './tool-error.js';

/** A LangChain tool the kit can serve: any structured tool (zod or JSON Schema arguments). */
export type ServableTool = StructuredToolInterface;

/** Where a tool declares its own deadline: `tool(fn, { metadata: { [TOOL_TIMEOUT_METADATA_KEY]: 3000 } })`. */
export const TOOL_TIMEOUT_METADATA_KEY = 'timeoutMs';

/** What a tool handler is given besides its validated arguments. */
export interface ToolRun {
  /** Who is on the line: the call SID, the caller's and the dialled number, the agent. */
  context: ToolCallContext;
  /** Aborted when the deadline passes: stop work, and above all do not commit a change after it. */
  signal: AbortSignal;
}

/** A tool written for the voice platform; `defineTool` turns it into a LangChain `tool()`. */
export interface ToolDefinition<S extends z.ZodObject> {
  /** The function name the model calls (`[a-zA-Z0-9_-]`, 1-64). */
  name: string;
  /** When and why the model should call it; the model reads this. */
  description: string;
  /** The arguments; `.describe()` each field, the model reads those too. */
  schema: S;
  /** Longest this tool may run (ms); the kit's default when omitted. */
  timeoutMs?: number;
  handler: (args: z.output<S>, run: ToolRun) => Promise<unknown>;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * The call context the kit passed to `invoke` (as LangChain's runtime `context`). Plain
 * LangChain tools call this on their second parameter to learn who is on the line.
 */
export function toolCallContext(config: RunnableConfig & { context?: unknown }): ToolCallContext {
  const parsed = toolCallContextSchema.safeParse(config.context);
  if (!parsed.success) {
    throw new ToolCallError('internal', 'The tool was called without a call context.', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Builds a LangChain `tool()` whose handler receives the validated arguments and the call
 * context. The deadline rides in the tool's metadata, so serving and discovery can read it.
 */
export function defineTool<S extends z.ZodObject>(definition: ToolDefinition<S>): ServableTool {
  return tool(
    (args: z.output<S>, runtime: RunnableConfig & { context?: unknown }) =>
      definition.handler(args, {
        context: toolCallContext(runtime),
        signal: runtime.signal ?? NEVER_ABORTED,
      }),
    {
      name: definition.name,
      description: definition.description,
      schema: definition.schema,
      ...(definition.timeoutMs === undefined
        ? {}
        : { metadata: { [TOOL_TIMEOUT_METADATA_KEY]: definition.timeoutMs } }),
    },
  ) as ServableTool;
}

/** The tool's own deadline from its metadata, else the default. */
export function toolTimeoutMs(servable: ServableTool, defaultTimeoutMs: number): number {
  const declared = (servable as { metadata?: Record<string, unknown> }).metadata?.[TOOL_TIMEOUT_METADATA_KEY];
  return typeof declared === 'number' && Number.isFinite(declared) && declared > 0
    ? declared
    : defaultTimeoutMs;
}
