import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ToolCallContext, ToolRequest, ToolResponse } from '@voice/shared/contracts';
import { DEMO_AGENT_ID, DEMO_AGENT_NUMBER, DEMO_CALLER_NUMBER } from '@voice/shared/db';
import { requestTool } from '@voice/tool-kit';

/** A call from `from` (the demo caller unless told) to the demo agent, with a fresh call SID. */
export function callFrom(from: string = DEMO_CALLER_NUMBER): ToolCallContext {
  return {
    callSid: `CA${randomBytes(16).toString('hex')}`,
    from,
    to: DEMO_AGENT_NUMBER,
    agentId: DEMO_AGENT_ID,
  };
}

let sequence = 0;

/** Calls a tool over NATS as the media-bridge does, and parses the reply envelope. */
export async function callTool(
  nc: NatsConnection,
  name: string,
  args: unknown,
  context: ToolCallContext = callFrom(),
  overrides: Partial<ToolRequest> = {},
): Promise<ToolResponse> {
  sequence += 1;
  const request: ToolRequest = {
    toolCallId: `call_${process.pid}_${sequence}`,
    name,
    arguments: args,
    context,
    timeoutMs: 8_000,
    ...overrides,
  };
  return requestTool(nc, request);
}

/** The result of a call that must succeed; fails the test with the tool's message otherwise. */
export async function okResult<T = Record<string, unknown>>(response: Promise<ToolResponse>): Promise<T> {
  const settled = await response;
  if (!settled.ok) throw new Error(`expected ok, got ${settled.error.code}: ${settled.error.message}`);
  return settled.result as T;
}

/** The error of a call that must fail. */
export async function errorOf(response: Promise<ToolResponse>) {
  const settled = await response;
  if (settled.ok) throw new Error(`expected an error, got ${JSON.stringify(settled.result)}`);
  return settled.error;
}
