import type { ServiceMsg } from '@nats-io/services';
import { decodeJson, type ToolRequest, toolRequestSchema } from '@voice/shared/contracts';
import { describeError } from '@voice/shared/errors';
import type { Logger } from '@voice/shared/logging';
import { REPLY_MARGIN_MS } from '../deadline.js';
import type { ServableTool } from '../define-tool.js';
import type { InvocationLedger } from '../ledger/ledger.js';
import { INTERNAL_MESSAGE, toolError } from '../tool-error.js';
import { type Invocation, invokeTool } from './invoke-tool.js';
import type { ToolMetrics } from './metrics.js';
import { sendReply } from './reply.js';

/** How long the reply waits for the outcome to be recorded: the margin the deadline kept for it. */
const RECORD_BEFORE_REPLY_MS = REPLY_MARGIN_MS;

/** One served tool and its deadline. */
export interface Endpoint {
  tool: ServableTool;
  timeoutMs: number;
}

/** What every request handler of one server shares. */
export interface HandlerContext {
  ledger: InvocationLedger;
  metrics: ToolMetrics;
  logger: Logger;
  running: Map<string, Promise<Invocation>>;
  workerId: string;
}

/** One request from receipt to recorded outcome. Never throws: it runs detached from the subscription. */
export async function handleMessage(ctx: HandlerContext, endpoint: Endpoint, msg: ServiceMsg): Promise<void> {
  const receivedAt = performance.now();
  const name = endpoint.tool.name;
  try {
    const decoded = decodeJson(toolRequestSchema, msg.data, 'tool request');
    if (!decoded.ok || decoded.value.name !== name) {
      const message = decoded.ok
        ? `This endpoint serves ${name}, not ${decoded.value.name}.`
        : `The tool request is malformed: ${decoded.error.issues.join('; ')}`;
      ctx.logger.warn({ tool: name, issue: message }, 'malformed tool request');
      sendReply(msg, { ok: false, error: toolError('bad_arguments', message) });
      ctx.metrics.observe(name, 'bad_arguments', performance.now() - receivedAt);
      return;
    }
    await handleRequest(ctx, endpoint, msg, decoded.value, receivedAt);
  } catch (error) {
    ctx.logger.error({ err: error, tool: name }, 'tool request handling failed');
    try {
      sendReply(msg, { ok: false, error: toolError('internal', INTERNAL_MESSAGE) });
    } catch (replyError) {
      ctx.logger.error({ err: describeError(replyError), tool: name }, 'tool error reply could not be sent');
    }
  }
}

async function handleRequest(
  ctx: HandlerContext,
  endpoint: Endpoint,
  msg: ServiceMsg,
  request: ToolRequest,
  receivedAt: number,
): Promise<void> {
  const key = { callSid: request.context.callSid, toolCallId: request.toolCallId };
  // The name is part of the local key: a call id reused for another tool must reach the ledger's check.
  const localKey = `${key.callSid}/${key.toolCallId}/${request.name}`;
  const log = ctx.logger.child({ ...key, tool: request.name });
  const original = ctx.running.get(localKey);
  if (original) {
    const { response } = await original;
    sendReply(msg, response.ok ? { ...response, replayed: true } : response);
    ctx.metrics.observe(request.name, 'replayed', performance.now() - receivedAt);
    return;
  }

  const invocation = invokeTool(
    {
      tool: endpoint.tool,
      timeoutMs: endpoint.timeoutMs,
      ledger: ctx.ledger,
      workerId: ctx.workerId,
      logger: log,
    },
    request,
    receivedAt,
  );
  ctx.running.set(localKey, invocation);
  try {
    const { response, outcome, owned, answeredAt } = await invocation;
    const latencyMs = answeredAt - receivedAt;
    const recording = owned
      ? ctx.ledger
          .complete(key, response, latencyMs, ctx.workerId)
          .catch((error: unknown) =>
            log.error(
              { err: describeError(error), outcome },
              'tool invocation outcome could not be recorded',
            ),
          )
      : undefined;
    // Record, then reply, so a reply always means a recorded outcome; but a slow database
    // must not hold the caller past the margin kept for it.
    if (recording) await settleWithin(recording, RECORD_BEFORE_REPLY_MS);
    if (!sendReply(msg, response)) log.warn('tool request had no reply subject');
    ctx.metrics.observe(request.name, outcome, latencyMs);
    logOutcome(log, outcome, latencyMs, request.arguments);
    await recording;
  } finally {
    ctx.running.delete(localKey);
  }
}

/** Waits for `promise`, but no longer than `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Routine outcomes at debug, what the model got wrong at info, what the system got wrong higher. */
function logOutcome(log: Logger, outcome: string, latencyMs: number, args: unknown): void {
  const fields = { outcome, latencyMs: Math.round(latencyMs) };
  switch (outcome) {
    case 'ok':
    case 'replayed':
      log.debug(fields, 'tool answered');
      return;
    case 'bad_arguments':
      log.info({ ...fields, arguments: args }, 'tool refused its arguments');
      return;
    case 'not_found':
    case 'conflict':
      log.info(fields, 'tool answered with an error');
      return;
    default:
      log.warn(fields, 'tool failed');
  }
}
