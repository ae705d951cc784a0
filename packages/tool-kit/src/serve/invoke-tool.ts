import { setTimeout as delay } from 'node:timers/promises';
import type { ToolErrorCode, ToolRequest, ToolResponse } from '@voice/shared/contracts';
import { isDatabaseUnavailable } from '@voice/shared/db';
import { describeError } from '@voice/shared/errors';
import type { Logger } from '@voice/shared/logging';
import { budgetMs, runWithDeadline } from '../deadline.js';
import type { ServableTool } from '../define-tool.js';
import type { Claim, InvocationLedger } from '../ledger/ledger.js';
import { INTERNAL_MESSAGE, toolError, toToolError, UNAVAILABLE_MESSAGE } from '../tool-error.js';
import { checkArguments } from '../tool-schema.js';

/**
 * How often a duplicate of a request another worker is running checks for its outcome.
 * Duplicates are rare (a retry racing the original), so polling beats a notification channel.
 */
export const DUPLICATE_POLL_MS = 50;
/** Added to a tool's deadline before its unfinished row counts as abandoned by a dead worker. */
export const STALE_GRACE_MS = 5_000;

/** One tool request, answered. `owned` when this worker ran it and must record the outcome. */
export interface Invocation {
  response: ToolResponse;
  /** `ok`, `replayed` or the error code: the metric label and log field. */
  outcome: string;
  owned: boolean;
  /** performance.now() when the reply was ready. */
  answeredAt: number;
}

/** What running one tool needs. */
export interface InvokeDeps {
  tool: ServableTool;
  /** The tool's own deadline (ms). */
  timeoutMs: number;
  ledger: InvocationLedger;
  workerId: string;
  logger: Logger;
}

/**
 * Runs one validated request exactly once across all workers: claim it in the ledger (or find
 * its stored outcome), check the arguments, run the tool under its deadline, and map whatever
 * happens to the reply envelope. Never throws.
 */
export async function invokeTool(
  deps: InvokeDeps,
  request: ToolRequest,
  receivedAt: number,
): Promise<Invocation> {
  const deadlineAt = receivedAt + budgetMs(request.timeoutMs, deps.timeoutMs);
  const remaining = () => deadlineAt - performance.now();
  const answer = (response: ToolResponse, outcome: string, owned: boolean): Invocation => ({
    response,
    outcome,
    owned,
    answeredAt: performance.now(),
  });
  const failure = (code: ToolErrorCode, message: string, owned: boolean) =>
    answer({ ok: false, error: toolError(code, message) }, code, owned);

  const claimed = await runWithDeadline(
    () => deps.ledger.claim(request, deps.workerId, deps.timeoutMs + STALE_GRACE_MS),
    remaining(),
  );
  if (claimed.status !== 'done') {
    const error = claimed.status === 'failed' ? claimed.error : undefined;
    if (error !== undefined && !isDatabaseUnavailable(error)) {
      deps.logger.error({ err: describeError(error) }, 'tool invocation could not be recorded');
      return failure('internal', INTERNAL_MESSAGE, false);
    }
    deps.logger.warn({ err: error && describeError(error) }, 'tool ledger unavailable');
    return failure('unavailable', UNAVAILABLE_MESSAGE, false);
  }

  const claim =
    claimed.value.kind === 'running' ? await awaitOtherWorker(deps, request, remaining) : claimed.value;
  switch (claim.kind) {
    case 'completed':
      return answer(claim.response, 'replayed', false);
    case 'mismatch':
      return failure(
        'bad_arguments',
        `Tool call id ${request.toolCallId} was already used for ${claim.storedName}; use a new call id.`,
        false,
      );
    case 'running':
      return failure('timeout', 'This tool call is still being handled. Try again in a moment.', false);
    case 'claimed':
      break;
  }

  const check = checkArguments(deps.tool, request.arguments);
  if (!check.ok) return failure('bad_arguments', check.message, true);

  const run = await runWithDeadline(
    (signal) =>
      deps.tool.invoke(request.arguments as Record<string, unknown>, { context: request.context, signal }),
    remaining(),
  );
  switch (run.status) {
    case 'done':
      return answer({ ok: true, result: run.value, replayed: false }, 'ok', true);
    case 'expired':
      return failure(
        'timeout',
        `${request.name} did not finish in time. Tell the caller it is taking too long and offer to try again.`,
        true,
      );
    case 'failed': {
      const mapped = toToolError(run.error);
      if (!mapped.expected) deps.logger.error({ err: run.error }, 'tool failed unexpectedly');
      return answer({ ok: false, error: mapped.error }, mapped.error.code, true);
    }
  }
}

/**
 * A duplicate of a request another worker holds: wait, within this request's own deadline,
 * for that worker's outcome. A ledger that stops answering leaves the claim `running`.
 */
async function awaitOtherWorker(
  deps: InvokeDeps,
  request: ToolRequest,
  remaining: () => number,
): Promise<Claim> {
  const key = { callSid: request.context.callSid, toolCallId: request.toolCallId };
  let claim: Claim = { kind: 'running' };
  while (claim.kind === 'running' && remaining() > DUPLICATE_POLL_MS) {
    await delay(DUPLICATE_POLL_MS);
    try {
      claim = await deps.ledger.read(key, request.name);
    } catch (error) {
      deps.logger.warn(
        { err: describeError(error) },
        'tool ledger read failed while waiting for a duplicate',
      );
      return { kind: 'running' };
    }
  }
  return claim;
}
