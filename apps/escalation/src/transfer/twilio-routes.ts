import { describeError } from '@voice/shared/errors';
import { requireTwilioSignature, sayAndHangUpTwiml } from '@voice/shared/twilio';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { HandoffContext } from '../routing/context.js';
import type { QueueServer } from '../routing/queue-server.js';
import { findEscalation } from '../store/escalations.js';
import type { DialOutcomes } from './dial-outcome.js';
import { holdTwiml, whisperTwiml } from './transfer-twiml.js';
import { TWILIO_PATHS } from './urls.js';

const escalationIdSchema = z.string().min(1).max(200);
const attemptQuery = z.object({ escalationId: escalationIdSchema, attempt: z.coerce.number().int().min(1) });
const dialStatusBody = z.object({
  DialCallStatus: z.enum(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled']),
});
const holdQuery = z.object({ escalationId: escalationIdSchema });
const holdBody = z.object({ QueuePosition: z.coerce.number().int().min(0).optional() });

/** What the Twilio callback routes are built from. */
export interface TwilioRoutesDeps {
  ctx: HandoffContext;
  outcomes: DialOutcomes;
  queueServer: QueueServer;
  authToken: string;
}

/**
 * Twilio's callbacks on the human's leg: `/twilio/whisper`, `/twilio/dial-status`, `/twilio/hold`.
 * Every request must carry a valid `X-Twilio-Signature` over the public URL Twilio called
 * (base + path + query) and the form fields; anything else is a 403. Failures inside answer
 * TwiML that ends the call politely: Twilio must never play its own error message.
 */
export function registerTwilioRoutes(app: FastifyInstance, deps: TwilioRoutesDeps): void {
  const { ctx, outcomes, queueServer } = deps;
  const log = ctx.logger.child({ component: 'twilio-callbacks' });

  const signed = {
    preHandler: requireTwilioSignature({
      authToken: deps.authToken,
      signedUrl: (request) => ctx.urls.signed(request.url),
    }),
  };

  const twiml = (reply: FastifyReply, body: string) => reply.type('text/xml').send(body);

  app.post(TWILIO_PATHS.whisper, signed, async (request, reply) => {
    const query = attemptQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send('bad query');
    try {
      return twiml(reply, await outcomes.whisper(query.data.escalationId, query.data.attempt));
    } catch (error) {
      log.error({ escalationId: query.data.escalationId, err: describeError(error) }, 'whisper failed');
      return twiml(
        reply,
        whisperTwiml({ reason: 'a caller asked for a person', summary: 'unavailable', priority: 'normal' }),
      );
    }
  });

  app.post(TWILIO_PATHS.dialStatus, signed, async (request, reply) => {
    const query = attemptQuery.safeParse(request.query);
    const body = dialStatusBody.safeParse(request.body);
    if (!query.success || !body.success) return reply.code(400).send('bad dial status');
    try {
      return twiml(reply, await outcomes.dialStatus(query.data, body.data.DialCallStatus));
    } catch (error) {
      log.error({ escalationId: query.data.escalationId, err: describeError(error) }, 'dial outcome failed');
      return twiml(reply, sayAndHangUpTwiml(ctx.messages.failed()));
    }
  });

  app.post(TWILIO_PATHS.hold, signed, async (request, reply) => {
    const query = holdQuery.safeParse(request.query);
    const body = holdBody.safeParse(request.body);
    if (!query.success) return reply.code(400).send('bad query');
    try {
      const escalation = await findEscalation(ctx.db, query.data.escalationId);
      if (escalation) queueServer.holdPolled(escalation);
    } catch (error) {
      log.error({ escalationId: query.data.escalationId, err: describeError(error) }, 'hold poll failed');
    }
    return twiml(
      reply,
      holdTwiml({
        position: body.success ? body.data.QueuePosition : undefined,
        musicUrl: ctx.settings.holdMusicUrl,
        pauseSeconds: ctx.settings.holdPauseSeconds,
      }),
    );
  });
}
