import {
  type CallControlError,
  decodeJson,
  encodeJson,
  queueGroups,
  subjects,
  transferAnsweredReplySchema,
  transferAnsweredSchema,
  transferDialEndedReplySchema,
  transferDialEndedSchema,
  transferHeldReplySchema,
  transferHeldSchema,
} from '@voice/shared/contracts';
import { describeError } from '@voice/shared/errors';
import { type NatsConnection, type ReplyServer, serveReplies } from '@voice/shared/nats';
import type { HandoffContext } from '../routing/context.js';
import type { QueueServer } from '../routing/queue-server.js';
import { findEscalation } from '../store/escalations.js';
import { dialEnded } from './dial-outcome.js';
import { humanAnswered } from './human-answered.js';
import { parseTransferRef } from './ref.js';

type Failed = { ok: false; error: CallControlError };

/**
 * Answers the ingress' questions about transfers (`transfers.answered|dial_ended|held`) in one
 * queue group, so one instance answers each. The answer to `answered` is the whisper, to
 * `dial_ended` the call's next instruction, to `held` an acknowledgement. A question this
 * service cannot answer (a bad `ref`, Postgres away) gets an error; the ingress then ends the
 * call politely or keeps the caller holding.
 */
export function serveTransferOutcomes(
  nc: NatsConnection,
  ctx: HandoffContext,
  queueServer: QueueServer,
): ReplyServer {
  const logger = ctx.logger.child({ component: 'transfer-outcomes' });
  const serve = (
    event: 'answered' | 'dial_ended' | 'held',
    answer: (data: Uint8Array) => Promise<Uint8Array>,
  ) =>
    serveReplies(
      nc,
      {
        subject: subjects.transferOutcome(event),
        queue: queueGroups.transferOutcomes,
        what: `transfer ${event}`,
        logger,
      },
      (_subject, data) => answer(data),
    );
  const servers = [
    serve('answered', (data) => answerAnswered(ctx, data)),
    serve('dial_ended', (data) => answerDialEnded(ctx, queueServer, data)),
    serve('held', (data) => answerHeld(ctx, queueServer, data)),
  ];
  return {
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

async function answerAnswered(ctx: HandoffContext, data: Uint8Array): Promise<Uint8Array> {
  const question = decodeJson(transferAnsweredSchema, data, 'transfer answered');
  const callback = question.ok ? parseTransferRef(question.value.ref) : undefined;
  const reply = callback
    ? await settle(ctx, 'whisper', () =>
        humanAnswered(ctx, callback).then((whisper) => ({ ok: true as const, whisper })),
      )
    : badRef();
  return encodeJson(transferAnsweredReplySchema, reply);
}

async function answerDialEnded(ctx: HandoffContext, queueServer: QueueServer, data: Uint8Array) {
  const question = decodeJson(transferDialEndedSchema, data, 'transfer dial ended');
  const callback = question.ok ? parseTransferRef(question.value.ref) : undefined;
  const reply =
    question.ok && callback
      ? await settle(ctx, 'dial outcome', async () => ({
          ok: true as const,
          next: await dialEnded(ctx, queueServer, callback, question.value.status),
        }))
      : badRef();
  return encodeJson(transferDialEndedReplySchema, reply);
}

/** The ingress polled a holding caller: a periodic chance to serve them (or to finish a stalled transfer). */
async function answerHeld(ctx: HandoffContext, queueServer: QueueServer, data: Uint8Array) {
  const question = decodeJson(transferHeldSchema, data, 'transfer held');
  const callback = question.ok ? parseTransferRef(question.value.ref) : undefined;
  const reply = callback
    ? await settle(ctx, 'hold poll', async () => {
        const escalation = await findEscalation(ctx.db, callback.escalationId);
        if (escalation) queueServer.holdPolled(escalation);
        return { ok: true as const };
      })
    : badRef();
  return encodeJson(transferHeldReplySchema, reply);
}

/** Runs an answer; a failure (Postgres away) is logged and answered as retryable. */
async function settle<T>(ctx: HandoffContext, what: string, run: () => Promise<T>): Promise<T | Failed> {
  try {
    return await run();
  } catch (error) {
    const described = describeError(error);
    ctx.logger.error({ err: described }, `${what} failed`);
    return { ok: false, error: { code: 'unavailable', message: `${what} failed`, retryable: true } };
  }
}

function badRef(): Failed {
  return {
    ok: false,
    error: { code: 'invalid', message: 'not a transfer of this service', retryable: false },
  };
}
