import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '@voice/shared/errors';
import { z } from 'zod';
import { defineTool, type ServableTool, ToolCallError } from '../../src/index.js';

/** Counts handler runs per tool, so a test can tell "answered" from "ran". */
export class RunCounter {
  private readonly runs = new Map<string, number>();
  add(name: string): void {
    this.runs.set(name, (this.runs.get(name) ?? 0) + 1);
  }
  of(name: string): number {
    return this.runs.get(name) ?? 0;
  }
}

/** Small tools that exercise every path of the kit. */
export function testTools(runs: RunCounter, late: { resolve: () => void }): ServableTool[] {
  return [
    defineTool({
      name: 'echo_order',
      description: 'Echoes an order number back, with the caller context.',
      schema: z.object({
        orderId: z.string().min(3).describe('The order number'),
        quantity: z.number().int().positive().optional(),
        express: z.boolean().default(false),
      }),
      handler: async (args, { context }) => {
        runs.add('echo_order');
        return {
          orderId: args.orderId,
          quantity: args.quantity ?? 1,
          express: args.express,
          callSid: context.callSid,
        };
      },
    }),
    defineTool({
      name: 'slow_echo',
      description: 'Waits, then echoes; used to duplicate a request while it runs.',
      schema: z.object({ waitMs: z.number().int().min(0).max(5_000) }),
      handler: async ({ waitMs }) => {
        runs.add('slow_echo');
        await delay(waitMs);
        return { waited: waitMs };
      },
    }),
    defineTool({
      name: 'hang_up_late',
      description: 'Ignores its deadline and finishes long after it.',
      schema: z.object({ finishAfterMs: z.number().int() }),
      timeoutMs: 300,
      handler: async ({ finishAfterMs }) => {
        runs.add('hang_up_late');
        await delay(finishAfterMs);
        late.resolve();
        return { finished: true };
      },
    }),
    defineTool({
      name: 'fail_with',
      description: 'Fails the way it is told to.',
      schema: z.object({ kind: z.enum(['not_found', 'conflict', 'app_unavailable', 'bug']) }),
      handler: async ({ kind }) => {
        runs.add('fail_with');
        switch (kind) {
          case 'not_found':
            throw new ToolCallError('not_found', 'No order with that number.');
          case 'conflict':
            throw new AppError('conflict', 'That slot was just taken.');
          case 'app_unavailable':
            throw new AppError('unavailable', 'The store is down.', { retryable: true });
          case 'bug':
            throw new TypeError('secret-internal-detail: cannot read x of undefined');
        }
      },
    }),
  ];
}
