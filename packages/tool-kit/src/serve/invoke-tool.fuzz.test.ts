import type { ServiceMsg } from '@nats-io/services';
import { type ToolRequest, type ToolResponse, toolResponseSchema } from '@voice/shared/contracts';
import { createLogger } from '@voice/shared/logging';
import { mutateJson, mutateText, type Random, randomJson, randomObject, seededRandom } from '@voice/testkit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { unrecordedLedger } from '../ledger/ledger.js';
import { type Endpoint, handleMessage } from './handle-request.js';
import { invokeTool } from './invoke-tool.js';
import { createToolMetrics } from './metrics.js';

const ITERATIONS = 3_000;
const logger = createLogger({ service: 'tool-kit-fuzz', level: 'silent' });
const CONTEXT = {
  callSid: `CA${'d'.repeat(32)}`,
  from: '+15550100001',
  to: '+15550001000',
  agentId: 'fuzz-agent',
};

const booking = defineTool({
  name: 'book_slot',
  description: 'Books a slot.',
  schema: z.object({
    slotId: z.number().int().positive(),
    reason: z.string().trim().max(200).optional(),
    notify: z.boolean().default(true),
  }),
  handler: async (args) => ({ booked: args.slotId, notify: args.notify }),
});
const own = defineTool({
  name: 'own_record',
  description: 'Reads the caller’s own record; takes no arguments at all.',
  schema: z.object({}).strict(),
  handler: async (_args, { context }) => ({ caller: context.callSid }),
});

/** Whether arguments fit `book_slot`, written out independently of its zod schema. */
function fitsBooking(args: unknown): boolean {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return false;
  const { slotId, reason, notify } = args as Record<string, unknown>;
  const slotOk = typeof slotId === 'number' && Number.isSafeInteger(slotId) && slotId > 0;
  const reasonOk = reason === undefined || (typeof reason === 'string' && reason.trim().length <= 200);
  const notifyOk = notify === undefined || typeof notify === 'boolean';
  return slotOk && reasonOk && notifyOk;
}

/** Whether arguments fit `own_record`: an object with no keys at all. */
function fitsOwnRecord(args: unknown): boolean {
  return typeof args === 'object' && args !== null && !Array.isArray(args) && Object.keys(args).length === 0;
}

/** Arguments as a model (or an attacker steering it) might send them, after a JSON round trip. */
function randomArguments(random: Random): unknown {
  const valid = { slotId: 1 + random.int(500), reason: 'cleaning' };
  const value = random.pick([
    () => valid,
    () => mutateJson(random, valid),
    () => mutateJson(random, mutateJson(random, valid)),
    () => randomObject(random, 2, ['slotId', 'reason', 'notify', '__proto__', 'constructor']),
    () => randomJson(random, 3),
    () => ({}),
  ])();
  return JSON.parse(JSON.stringify(value) ?? 'null');
}

const request = (name: string, args: unknown, n: number): ToolRequest => ({
  toolCallId: `call_${n}`,
  name,
  arguments: args,
  context: CONTEXT,
  timeoutMs: 5_000,
});

describe('tool argument validation under fuzzing', () => {
  it(`answers every argument object with a typed result, bad_arguments exactly when they do not fit (${ITERATIONS} calls)`, async () => {
    const random = seededRandom(1_125);
    const tally = { ok: 0, bad: 0 };
    for (let n = 0; n < ITERATIONS; n++) {
      const args = randomArguments(random);
      const [tool, fits] = random.chance(0.8) ? [booking, fitsBooking] : [own, fitsOwnRecord];
      const deps = { tool, timeoutMs: 5_000, ledger: unrecordedLedger, workerId: 'fuzz', logger };
      const { response } = await invokeTool(deps, request(tool.name, args, n), performance.now());
      expect(toolResponseSchema.safeParse(response).success).toBe(true);
      if (fits(args)) {
        expect(response, JSON.stringify(args)).toMatchObject({ ok: true });
        tally.ok++;
      } else {
        expect(response, JSON.stringify(args)).toMatchObject({
          ok: false,
          error: {
            code: 'bad_arguments',
            message: expect.stringContaining(`Invalid arguments for ${tool.name}`),
          },
        });
        tally.bad++;
      }
    }
    expect(tally.ok).toBeGreaterThan(ITERATIONS / 20);
    expect(tally.bad).toBeGreaterThan(ITERATIONS / 2);
  });

  it(`answers every malformed request at the NATS edge with a typed error, never silence (${ITERATIONS} bodies)`, async () => {
    const random = seededRandom(2_026);
    const endpoint: Endpoint = { tool: booking, timeoutMs: 5_000 };
    const context = {
      ledger: unrecordedLedger,
      metrics: createToolMetrics(undefined),
      logger,
      running: new Map(),
      workerId: 'fuzz',
    };
    const valid = JSON.stringify(request('book_slot', { slotId: 3 }, 0));
    for (let n = 0; n < ITERATIONS; n++) {
      const body = random.chance(0.5)
        ? mutateText(random, valid)
        : (JSON.stringify(mutateJson(random, JSON.parse(valid))) ?? 'null');
      const replies: ToolResponse[] = [];
      const msg = replyCatcher(body, replies);
      await handleMessage(context, endpoint, msg);
      expect(replies, body).toHaveLength(1);
      expect(toolResponseSchema.safeParse(replies[0]).success).toBe(true);
    }
  });
});

/** A `ServiceMsg` carrying `body` whose reply, error or not, lands in `replies`. */
function replyCatcher(body: string, replies: ToolResponse[]): ServiceMsg {
  const decode = (data: unknown) => JSON.parse(new TextDecoder().decode(data as Uint8Array)) as ToolResponse;
  return {
    data: new TextEncoder().encode(body),
    respond: (data: unknown) => replies.push(decode(data)) > 0,
    respondError: (_code: number, _description: string, data: unknown) => replies.push(decode(data)) > 0,
  } as unknown as ServiceMsg;
}
