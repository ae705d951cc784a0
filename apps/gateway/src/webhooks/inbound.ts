import { parseContract, twilioVoiceWebhookSchema } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { formParams } from '@voice/shared/twilio';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { CALLER_MESSAGES } from '../twiml/answer.js';
import { sayAndHangUpTwiml } from '../twiml/hang-up.js';
import { ROUTES, WEBHOOK_BODY_LIMIT_BYTES } from '../urls.js';
import { answerInboundCall } from './answer-call.js';
import { AnswerWaitTimeout } from './answer-once.js';
import { signedByTwilio } from './signed-by-twilio.js';

const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/**
 * `POST /voice/inbound`: Twilio's voice webhook. A forged or unsigned request gets 403 and
 * nothing else happens. Every attempt of one call's webhook, here or on another gateway, gets
 * the one answer its first attempt decided (`answerInboundCall`), so a retry never claims twice.
 */
export function registerInboundWebhook(app: FastifyInstance, ctx: GatewayContext): void {
  const count = (outcome: string) => ctx.metrics.webhooks.inc({ route: 'inbound', outcome });

  const preHandler = signedByTwilio(ctx, () => count('forbidden'));
  app.post(ROUTES.inbound, { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, preHandler }, async (request, reply) => {
    const params = formParams(request);
    const webhook = parseContract(twilioVoiceWebhookSchema, params, 'voice webhook');
    if (!webhook.ok) {
      request.log.warn({ issues: webhook.error.issues }, 'rejected webhook: unexpected parameters');
      count('invalid');
      return reply.code(400).send();
    }
    const callSid = webhook.value.CallSid;
    // Twilio sends the same token on every retry of one webhook; logged to follow a retry across gateways.
    const idempotencyToken = request.headers['i-twilio-idempotency-token'];
    const log = callLogger(ctx.logger, callSid, { idempotencyToken });
    try {
      const { twiml, outcome, role } = await answerInboundCall(ctx, webhook.value);
      count(outcome);
      if (role !== 'owner') {
        ctx.metrics.webhookDedup.inc({ how: role });
        log.info({ outcome, role }, 'webhook attempt answered with the call’s existing answer');
      }
      return reply.type(TWIML_CONTENT_TYPE).send(twiml);
    } catch (error) {
      // Postgres or NATS failed under us, or the call's owner never answered: the caller still
      // hears a polite message, never silence.
      const timedOut = error instanceof AnswerWaitTimeout;
      log.error({ err: error }, 'inbound call failed');
      count(timedOut ? 'answer_timeout' : 'error');
      return reply.type(TWIML_CONTENT_TYPE).send(sayAndHangUpTwiml(CALLER_MESSAGES.unavailable));
    }
  });
}
