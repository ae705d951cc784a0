import { randomBytes } from 'node:crypto';
import type { ToolCallContext, ToolRequest } from '@voice/shared/contracts';
import { requestTool, requestToolRaw } from '../../src/client/request-tool.js';

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

/** Sends a tool request over NATS and parses the reply envelope (failing the test if it is not one). */
export const callTool = requestTool;

/** Sends raw bytes to a tool subject (malformed requests) and parses the reply envelope. */
export const callToolRaw = requestToolRaw;
