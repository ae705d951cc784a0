import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  decodeJson,
  encodeJson,
  subjects,
  type ToolCallContext,
  type ToolRequest,
  type ToolResponse,
  toolRequestSchema,
  toolResponseSchema,
} from '@voice/shared/contracts';

/** A fresh, valid Twilio call SID. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

export function callContext(overrides: Partial<ToolCallContext> = {}): ToolCallContext {
  return {
    callSid: newCallSid(),
    from: '+15550100001',
    to: '+15550001000',
    agentId: 'maple-dental-reception',
    ...overrides,
  };
}

let sequence = 0;

/** A request as the media-bridge sends it; each gets a new tool call id unless given one. */
export function toolRequest(name: string, args: unknown, overrides: Partial<ToolRequest> = {}): ToolRequest {
  sequence += 1;
  return {
    toolCallId: `call_${process.pid}_${sequence}`,
    name,
    arguments: args,
    context: callContext(),
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** How long the test waits for a reply beyond the request's own timeout. */
const REQUEST_SLACK_MS = 5_000;

/** Sends a tool request over NATS and parses the reply envelope (failing the test if it is not one). */
export async function callTool(nc: NatsConnection, request: ToolRequest): Promise<ToolResponse> {
  const reply = await nc.request(subjects.tool(request.name), encodeJson(toolRequestSchema, request), {
    timeout: request.timeoutMs + REQUEST_SLACK_MS,
  });
  const decoded = decodeJson(toolResponseSchema, reply.data, 'tool response');
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}

/** Sends raw bytes to a tool subject (malformed requests) and parses the reply envelope. */
export async function callToolRaw(nc: NatsConnection, name: string, body: string): Promise<ToolResponse> {
  const reply = await nc.request(subjects.tool(name), body, { timeout: 10_000 });
  const decoded = decodeJson(toolResponseSchema, reply.data, 'tool response');
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}
