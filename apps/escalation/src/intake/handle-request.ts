import type { EscalationRequested } from '@voice/shared/contracts';
import { describeError } from '@voice/shared/errors';
import type { MessageMeta, Settlement } from '@voice/shared/nats';
import { type BackoffPolicy, backoffDelay } from '@voice/shared/retry';
import { failureKind, failureReason } from '../failures.js';
import type { EscalationMetrics } from '../metrics.js';
import type { HandoffContext } from '../routing/context.js';
import { failEscalation } from '../routing/fail.js';
import { routeEscalation } from '../routing/route-request.js';
import { type Escalation, findEscalation, insertEscalation } from '../store/escalations.js';
import { findHuman } from '../store/humans.js';
import { findRoutingProfile } from '../store/profiles.js';

/** Applies one escalation request; never throws (failures become a `nak` or a recorded failure). */
export type RequestHandler = (
  request: EscalationRequested,
  delivery: MessageMeta,
) => Promise<Settlement<'transient' | 'unexpected'>>;

/** An unexpected failure (a bug, an unknown state) is retried this often before it is recorded as final. */
const UNEXPECTED_DELIVERY_LIMIT = 5;
/** The queue stored for a request whose agent profile does not exist: no human works it. */
export const NO_QUEUE = '(none)';
/** Half a second, doubling up to `maxBackoffMs`; ±10 % so an outage's backlog does not return at once. */
const REDELIVERY_BACKOFF: BackoffPolicy = { baseMs: 500, jitter: [0.9, 1.1] };

/** What the request handler is built from. */
export interface RequestHandlerDeps {
  ctx: HandoffContext;
  metrics: EscalationMetrics;
  maxBackoffMs: number;
}

/**
 * Persist, then route from what the stored row says is left to do: a redelivery of a request
 * already moved on only re-publishes its status (JetStream drops the duplicate), so a call is
 * never transferred twice. Nothing is acknowledged before its side effects are durable.
 */
export function createRequestHandler(deps: RequestHandlerDeps): RequestHandler {
  const { ctx, metrics } = deps;
  const retryInMs = (delivery: MessageMeta) =>
    backoffDelay({ ...REDELIVERY_BACKOFF, maxMs: deps.maxBackoffMs, attempt: delivery.deliveryCount });

  const republish = async (row: Escalation) => {
    if (row.status === 'received' || row.status === 'routing') return;
    const human = row.humanAgentId ? await findHuman(ctx.db, row.humanAgentId) : undefined;
    await ctx.publisher.publish(
      { escalation: row, status: row.status, human, message: row.message },
      { repeat: true },
    );
  };

  const apply = async (request: EscalationRequested) => {
    const started = performance.now();
    const profile = await findRoutingProfile(ctx.db, request.agentId);
    await insertEscalation(ctx.db, request, profile?.queue ?? NO_QUEUE);
    const row = await findEscalation(ctx.db, request.escalationId);
    if (!row) throw new Error('an inserted escalation could not be read back');
    if (row.status !== 'received' && row.status !== 'routing') return republish(row);
    if (!profile) {
      await failEscalation(ctx, row.id, `unknown agent profile ${request.agentId}`);
      return;
    }
    const outcome = await routeEscalation(ctx, row, profile.fallback);
    metrics.routingLatencyMs.observe({ outcome }, performance.now() - started);
  };

  /** Permanent: the escalation is recorded as failed and the agent told, even when it was never stored. */
  const giveUp = async (request: EscalationRequested, error: unknown) => {
    const reason = failureReason(error);
    const failed = await failEscalation(ctx, request.escalationId, reason);
    if (failed) return;
    const stored = await findEscalation(ctx.db, request.escalationId);
    if (stored) return republish(stored);
    await ctx.publisher.publish({
      escalation: { id: request.escalationId, callSid: request.callSid, attempts: 0 },
      status: 'failed',
      message: ctx.messages.failed(),
    });
  };

  return async (request, delivery) => {
    const log = ctx.logger.child({ callSid: request.callSid, escalationId: request.escalationId });
    try {
      await apply(request);
      return { kind: 'ack' };
    } catch (error) {
      const kind = failureKind(error);
      const final =
        kind === 'permanent' ||
        (kind === 'unexpected' && delivery.deliveryCount >= UNEXPECTED_DELIVERY_LIMIT);
      if (final) {
        log.error(
          { err: describeError(error), deliveries: delivery.deliveryCount },
          'escalation request failed for good',
        );
        try {
          await giveUp(request, error);
          return { kind: 'ack' };
        } catch (recordError) {
          log.warn({ err: describeError(recordError) }, 'recording the failure failed, will retry');
          return {
            kind: 'nak',
            delayMs: retryInMs(delivery),
            reason: 'transient',
          };
        }
      }
      const reason = kind === 'transient' ? 'transient' : 'unexpected';
      const delayMs = retryInMs(delivery);
      log[reason === 'transient' ? 'warn' : 'error'](
        { err: describeError(error), deliveries: delivery.deliveryCount, retryInMs: delayMs },
        'escalation request will be retried',
      );
      return { kind: 'nak', delayMs, reason };
    }
  };
}
