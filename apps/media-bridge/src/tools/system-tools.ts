import { escalationPrioritySchema, type RealtimeTool } from '@voice/shared/contracts';
import { z } from 'zod';

/** Tools the bridge answers itself (never sent to a worker). */
export const SYSTEM_TOOL_NAMES = {
  escalate: 'escalate_to_human',
  endCall: 'end_call',
} as const;
export type SystemToolName = (typeof SYSTEM_TOOL_NAMES)[keyof typeof SYSTEM_TOOL_NAMES];

export const escalateArgumentsSchema = z.object({
  reason: z.string().min(1).max(500),
  summary: z.string().min(1).max(4_000),
  priority: escalationPrioritySchema.default('normal'),
});

export const endCallArgumentsSchema = z.object({ reason: z.string().max(500).optional() });

const SYSTEM_TOOLS: Record<SystemToolName, RealtimeTool> = {
  escalate_to_human: {
    type: 'function',
    name: SYSTEM_TOOL_NAMES.escalate,
    description:
      'Hand the caller over to a human colleague: when they ask for a person, are upset, or need something you cannot do. Then tell the caller in one short sentence that you are connecting them.',
    parameters: {
      type: 'object',
      properties: {
        reason: { type: 'string', description: 'Why a human is needed, in a few words.' },
        summary: {
          type: 'string',
          description: 'What the caller needs and what was done so far, for the human.',
        },
        priority: {
          type: 'string',
          enum: escalationPrioritySchema.options,
          description: 'How urgent it is.',
        },
      },
      required: ['reason', 'summary', 'priority'],
      additionalProperties: false,
    },
  },
  end_call: {
    type: 'function',
    name: SYSTEM_TOOL_NAMES.endCall,
    description: 'End the call once the caller is done. Say a short goodbye right after calling it.',
    parameters: {
      type: 'object',
      properties: { reason: { type: 'string', description: 'Why the call ends.' } },
      additionalProperties: false,
    },
  },
};

export function isSystemTool(name: string): name is SystemToolName {
  return name === SYSTEM_TOOL_NAMES.escalate || name === SYSTEM_TOOL_NAMES.endCall;
}

/** The system tools this agent profile allows, as the model is offered them. */
export function systemToolsFor(allowed: readonly string[]): RealtimeTool[] {
  return allowed.filter(isSystemTool).map((name) => SYSTEM_TOOLS[name]);
}
