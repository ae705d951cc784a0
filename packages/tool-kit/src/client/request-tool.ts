import {
  decodeJson,
  encodeJson,
  subjects,
  type ToolRequest,
  type ToolResponse,
  toolRequestSchema,
  toolResponseSchema,
} from '@voice/shared/contracts';
import type { NatsConnection } from '@voice/shared/nats';

/** How long to wait for a reply beyond the request's own deadline. */
const REPLY_SLACK_MS = 5_000;

/**
 * A plain client of the tool workers, for tests and operators' probes: sends a tool request over
 * NATS as the media-bridge does and parses the reply envelope. A reply that is not a
 * `ToolResponse` throws: no worker may answer with anything else. (The bridge has its own caller,
 * which maps timeouts and missing workers to errors the model is told.)
 */
export async function requestTool(nc: NatsConnection, request: ToolRequest): Promise<ToolResponse> {
  return requestToolRaw(
    nc,
    request.name,
    encodeJson(toolRequestSchema, request),
    request.timeoutMs + REPLY_SLACK_MS,
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
