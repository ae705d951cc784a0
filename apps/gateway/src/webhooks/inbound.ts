import { parseContract, twilioVoiceWebhookSchema } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { ROUTES, WEBHOOK_BODY_LIMIT_BYTES } from '../urls.js';
import { answerInboundCall, type InboundAnswer } from './answer-call.js';
import { formParams, hasValidTwilioSignature } from './twilio-signature.js';
import { CALLER_MESSAGES, sayAndHangUpTwiml } from './twiml.js';

const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/**
 * `POST /voice/inbound`: Twilio's voice webhook. A forged or unsigned request gets 403 and
 * nothing else happens. Webhooks for the same call are answered one at a time, so a retry
 * racing the first attempt waits for it and is recognised instead of claiming twice.
 */
export function registerInboundWebhook(app: FastifyInstance, ctx: GatewayContext): void {
  const inFlight = new Map<string, Promise<unknown>>();
  const count = (outcome: string) => ctx.metrics.webhooks.inc({ route: 'inbound', outcome });

  app.post(ROUTES.inbound, { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, async (request, reply) => {
    const params = formParams(request);
    if (!hasValidTwilioSignature(request, ctx.config.TWILIO_AUTH_TOKEN, ctx.urls.of(request.url), params)) {
      request.log.warn({ route: 'inbound' }, 'rejected webhook: bad or missing Twilio signature');
      count('forbidden');
      return reply.code(403).send();
    }
    const webhook = parseContract(twilioVoiceWebhookSchema, params, 'voice webhook');
    if (!webhook.ok) {
      request.log.warn({ issues: webhook.error.issues }, 'rejected webhook: unexpected parameters');
      count('invalid');
      return reply.code(400).send();
    }
    const callSid = webhook.value.CallSid;

    const previous = inFlight.get(callSid);
    const answer = (async (): Promise<InboundAnswer> => {
      await previous?.catch(() => undefined);
      return answerInboundCall(ctx, webhook.value);
    })();
    inFlight.set(callSid, answer);
    try {
      const { twiml, outcome } = await answer;
      count(outcome);
      return reply.type(TWIML_CONTENT_TYPE).send(twiml);
    } catch (error) {
      // Postgres or NATS failed under us: the caller still hears a polite message, never silence.
      callLogger(ctx.logger, callSid).error({ err: error }, 'inbound call failed');
      count('error');
      return reply.type(TWIML_CONTENT_TYPE).send(sayAndHangUpTwiml(CALLER_MESSAGES.unavailable));
    } finally {
      if (inFlight.get(callSid) === answer) inFlight.delete(callSid);
    }
  });
}
