import { errors, type NatsConnection } from '@nats-io/nats-core';
import {
  decodeJson,
  encodeJson,
  subjects,
  type ToolError,
  type ToolRequest,
  type ToolResponse,
  toolRequestSchema,
  toolResponseSchema,
} from '@voice/shared/contracts';

/** Runs a tool call somewhere and always answers with a `ToolResponse` (errors are values). */
export interface ToolInvoker {
  invoke(request: ToolRequest): Promise<ToolResponse>;
}

/**
 * The worker gives up a little before `timeoutMs` and says so; the NATS request waits this
 * much longer so that answer is not lost to a race.
 */
export const TOOL_REPLY_MARGIN_MS = 250;

export function toolFailure(code: ToolError['code'], message: string, retryable: boolean): ToolResponse {
  return { ok: false, error: { code, message: message.slice(0, 2_000), retryable } };
}

/** Calls `tools.<name>` over NATS request/reply; a timeout or a missing worker becomes a clear tool error. */
export function createNatsToolInvoker(nc: NatsConnection): ToolInvoker {
  return {
    async invoke(request) {
      let reply: Uint8Array;
      try {
        const msg = await nc.request(subjects.tool(request.name), encodeJson(toolRequestSchema, request), {
          timeout: request.timeoutMs + TOOL_REPLY_MARGIN_MS,
        });
        reply = msg.data;
      } catch (error) {
        return failureOf(error, request);
      }
      const parsed = decodeJson(toolResponseSchema, reply, 'tool response');
      return parsed.ok
        ? parsed.value
        : toolFailure('internal', `The ${request.name} tool answered something unreadable.`, false);
    },
  };
}

function failureOf(error: unknown, request: ToolRequest): ToolResponse {
  const cause = error instanceof errors.RequestError ? error.cause : error;
  if (error instanceof errors.NoRespondersError || cause instanceof errors.NoRespondersError) {
    return toolFailure('unavailable', `The ${request.name} tool is not available right now.`, true);
  }
  if (error instanceof errors.TimeoutError || cause instanceof errors.TimeoutError) {
    return toolFailure(
      'timeout',
      `The ${request.name} tool did not answer within ${Math.round(request.timeoutMs / 100) / 10} seconds.`,
      true,
    );
  }
  return toolFailure('unavailable', `The ${request.name} tool could not be reached.`, true);
}
