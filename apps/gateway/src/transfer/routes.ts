import { formParams } from '@voice/shared/twilio';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import { sayAndHangUpTwiml } from '../twiml/hang-up.js';
import { instructionTwiml } from '../twiml/instruction.js';
import { holdTwiml, whisperTwiml } from '../twiml/transfer.js';
import { WEBHOOK_BODY_LIMIT_BYTES } from '../urls.js';
import { signedByTwilio } from '../webhooks/signed-by-twilio.js';
import type { TransferOutcomes } from './transfer-outcomes.js';
import { TRANSFER_PATHS, type TransferUrls } from './urls.js';

/** What the human and the caller hear when the hand-off owner cannot be asked. */
export const TRANSFER_MESSAGES = {
  whisperUnavailable:
    'Transfer from the AI receptionist. Reason: a caller asked for a person. Summary: unavailable. Connecting you now.',
  failed: "I'm sorry, I couldn't reach a person just now. Please try again a little later.",
} as const;

const refQuery = z.object({ ref: z.string().min(1).max(300) });
/** Twilio's `DialCallStatus`, as the call-control vocabulary spells it. */
const dialStatusBody = z.object({
  DialCallStatus: z
    .enum(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'])
    .transform((status) => (status === 'no-answer' ? 'no_answer' : status)),
});
const holdBody = z.object({ QueuePosition: z.coerce.number().int().min(0).optional() });

/** What the transfer callback routes are built from. */
export interface TransferRoutesDeps {
  ctx: GatewayContext;
  outcomes: TransferOutcomes;
  urls: TransferUrls;
}

const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';
const twiml = (reply: FastifyReply, body: string) => reply.type(TWIML_CONTENT_TYPE).send(body);

/**
 * Twilio's callbacks on a transfer: `/twilio/whisper` (the human answered), `/twilio/dial-status`
 * (`<Dial action>`: the dial ended), `/twilio/hold` (`<Enqueue waitUrl>`). Each must carry a valid
 * `X-Twilio-Signature` over the public URL; each becomes a question to the hand-off owner, and
 * its answer is rendered as TwiML. When it cannot be asked, the call still ends politely (or
 * keeps holding): Twilio must never play its own error message.
 */
export function registerTransferRoutes(app: FastifyInstance, deps: TransferRoutesDeps): void {
  const { ctx } = deps;
  const count = (route: string, outcome: string) => ctx.metrics.webhooks.inc({ route, outcome });
  const options = (route: string) => ({
    bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
    preHandler: signedByTwilio(ctx, () => count(route, 'forbidden')),
  });
  app.post(TRANSFER_PATHS.whisper, options('whisper'), (request, reply) => whisper(deps, request, reply));
  app.post(TRANSFER_PATHS.dialStatus, options('dial_status'), (request, reply) =>
    dialStatus(deps, request, reply),
  );
  app.post(TRANSFER_PATHS.hold, options('hold'), (request, reply) => hold(deps, request, reply));
}

async function whisper(deps: TransferRoutesDeps, request: FastifyRequest, reply: FastifyReply) {
  const query = refQuery.safeParse(request.query);
  if (!query.success) return reply.code(400).send('bad query');
  const answer = await deps.outcomes.answered({ ref: query.data.ref });
  if (answer.ok) return twiml(reply, whisperTwiml(answer.whisper));
  request.log.error({ ref: query.data.ref, error: answer.error }, 'whisper failed');
  return twiml(reply, whisperTwiml(TRANSFER_MESSAGES.whisperUnavailable));
}

async function dialStatus(deps: TransferRoutesDeps, request: FastifyRequest, reply: FastifyReply) {
  const query = refQuery.safeParse(request.query);
  const body = dialStatusBody.safeParse(formParams(request));
  if (!query.success || !body.success) return reply.code(400).send('bad dial status');
  const answer = await deps.outcomes.dialEnded({ ref: query.data.ref, status: body.data.DialCallStatus });
  if (answer.ok) return twiml(reply, instructionTwiml(answer.next, deps.urls));
  request.log.error({ ref: query.data.ref, error: answer.error }, 'dial outcome failed');
  return twiml(reply, sayAndHangUpTwiml(TRANSFER_MESSAGES.failed));
}

/** The caller keeps holding whatever the owner answers: the poll is only its chance to serve them. */
async function hold(deps: TransferRoutesDeps, request: FastifyRequest, reply: FastifyReply) {
  const query = refQuery.safeParse(request.query);
  if (!query.success) return reply.code(400).send('bad query');
  const body = holdBody.safeParse(formParams(request));
  const position = body.success ? body.data.QueuePosition : undefined;
  const answer = await deps.outcomes.held({
    ref: query.data.ref,
    ...(position === undefined ? {} : { position }),
  });
  if (!answer.ok) request.log.error({ ref: query.data.ref, error: answer.error }, 'hold poll failed');
  const { HOLD_MUSIC_URL, HOLD_PAUSE_SECONDS } = deps.ctx.config;
  return twiml(reply, holdTwiml({ position, musicUrl: HOLD_MUSIC_URL, pauseSeconds: HOLD_PAUSE_SECONDS }));
}
