import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, TOOL_TIMEOUT_METADATA_KEY, toolCallContext, toolTimeoutMs } from './define-tool.js';
import { ToolCallError } from './tool-error.js';

const context = {
  callSid: `CA${'ab'.repeat(16)}`,
  from: '+15550100001',
  to: '+15550001000',
  agentId: 'maple-dental-reception',
};

describe('defineTool', () => {
  it('builds a LangChain tool whose handler gets validated arguments, the call context and a signal', async () => {
    const greet = defineTool({
      name: 'greet',
      description: 'Greets the caller.',
      schema: z.object({ name: z.string(), loud: z.boolean().default(false) }),
      timeoutMs: 1_500,
      handler: async (args, run) => ({ ...args, callSid: run.context.callSid, aborted: run.signal.aborted }),
    });
    expect(greet.name).toBe('greet');
    expect(toolTimeoutMs(greet, 9_000)).toBe(1_500);
    expect(await greet.invoke({ name: 'Jordan' }, { context })).toEqual({
      name: 'Jordan',
      loud: false,
      callSid: context.callSid,
      aborted: false,
    });
  });

  it('refuses to run without a call context', async () => {
    const bare = defineTool({
      name: 'bare',
      description: 'Needs a context.',
      schema: z.object({}),
      handler: async () => 'ran',
    });
    await expect(bare.invoke({})).rejects.toBeInstanceOf(ToolCallError);
  });
});

describe('plain LangChain tools', () => {
  it('read the call context with toolCallContext and declare a deadline in metadata', async () => {
    const plain = tool(async (_args, runtime) => toolCallContext(runtime).from, {
      name: 'plain',
      description: 'A plain tool.',
      schema: z.object({}),
      metadata: { [TOOL_TIMEOUT_METADATA_KEY]: 700 },
    });
    expect(await plain.invoke({}, { context })).toBe('+15550100001');
    expect(toolTimeoutMs(plain, 9_000)).toBe(700);
    const undeclared = tool(async () => 'x', { name: 'u', description: 'u', schema: z.object({}) });
    expect(toolTimeoutMs(undeclared, 9_000)).toBe(9_000);
  });
});
