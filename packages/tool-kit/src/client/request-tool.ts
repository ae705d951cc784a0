import { errors } from '@nats-io/nats-core';
import {
  decodeJson,
  encodeJson,
  subjects,
  type ToolRequest,
  type ToolResponse,
  toolRequestSchema,
  toolResponseSchema,
} from '@voice/shared/contracts';
import { ContractError } from '@voice/shared/errors';
import type { NatsConnection } from '@voice/shared/nats';
import { toolFailure } from '../tool-error.js';

/**
 * The worker gives up a little before `timeoutMs` and says so; a caller that relays the answer
 * waits this much longer so that answer is not lost to a race.
 */
const TOOL_REPLY_MARGIN_MS = 250;
/** Tests and probes wait much longer: they check the worker's own answer, never a client timeout. */
const PROBE_REPLY_SLACK_MS = 5_000;

/**
 * The media bridge's client of the tool workers: always answers with a `ToolResponse` the model
 * can be told. A missing worker, a timeout or an unreadable reply becomes a tool error.
 */
export async function askTool(nc: NatsConnection, request: ToolRequest): Promise<ToolResponse> {
  try {
    return await requestTool(nc, request, TOOL_REPLY_MARGIN_MS);
  } catch (error) {
    return failureOf(error, request);
  }
}

/**
 * A strict client for tests and operators' probes: sends a tool request as the media bridge does
 * and parses the reply envelope. A reply that is not a `ToolResponse` throws: no worker may answer
 * with anything else.
 */
export async function requestTool(
  nc: NatsConnection,
  request: ToolRequest,
  replyMarginMs = PROBE_REPLY_SLACK_MS,
): Promise<ToolResponse> {
  return requestToolRaw(
    nc,
    request.name,
    encodeJson(toolRequestSchema, request),
    request.timeoutMs + replyMarginMs,
  );
}

/** Sends any body to a tool's subject (a malformed request, say) and parses the reply envelope. */
export async function requestToolRaw(
  nc: NatsConnection,
  name: string,
  body: Uint8Array | string,
  replyTimeoutMs = 10_000,
): Promise<ToolResponse> {
  const reply = await nc.request(subjects.tool(name), body, { timeout: replyTimeoutMs });
  const decoded = decodeJson(toolResponseSchema, reply.data, 'tool response');
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}

function failureOf(error: unknown, request: ToolRequest): ToolResponse {
  if (error instanceof ContractError) {
    return toolFailure('internal', `The ${request.name} tool answered something unreadable.`, false);
  }
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
