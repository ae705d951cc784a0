import {
  type CallEndReason,
  parseContract,
  twilioCallStatusCallbackSchema,
  twilioStreamStatusCallbackSchema,
} from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { formParams } from '@voice/shared/twilio';
import type { FastifyInstance } from 'fastify';
import { gatewayEvents } from '../calls/call-events.js';
import { endReasonOfStatus } from '../calls/end-reason.js';
import { releaseClaim } from '../calls/release-claim.js';
import type { GatewayContext } from '../context.js';
import { CLOSE_NORMAL } from '../stream/close-codes.js';
import { ROUTES, WEBHOOK_BODY_LIMIT_BYTES } from '../urls.js';
import { signedByTwilio } from './signed-by-twilio.js';

/**
 * `POST /voice/status`: Twilio's call status callbacks and the media stream's status callbacks.
 * A terminal call status publishes `call.ended`, closes the call's stream slot and tears down
 * the stream if this gateway holds it. Answered quickly, and a repeat changes nothing.
 */
export function registerStatusWebhook(app: FastifyInstance, ctx: GatewayContext): void {
  const count = (outcome: string) => ctx.metrics.webhooks.inc({ route: 'status', outcome });

  const preHandler = signedByTwilio(ctx, () => count('forbidden'));
  app.post(ROUTES.status, { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, preHandler }, async (request, reply) => {
    const params = formParams(request);
    if ('StreamEvent' in params) {
      const stream = parseContract(twilioStreamStatusCallbackSchema, params, 'stream status callback');
      if (!stream.ok) {
        count('invalid');
        return reply.code(400).send();
      }
      const { CallSid, StreamSid, StreamEvent, StreamError } = stream.value;
      const log = callLogger(ctx.logger, CallSid, { streamSid: StreamSid });
      if (StreamEvent === 'stream-error')
        log.warn({ streamError: StreamError }, 'twilio reports a stream error');
      else log.debug({ streamEvent: StreamEvent }, 'stream status');
      count(StreamEvent);
      return reply.code(204).send();
    }

    const status = parseContract(twilioCallStatusCallbackSchema, params, 'call status callback');
    if (!status.ok) {
      count('invalid');
      return reply.code(400).send();
    }
    const { CallSid, CallStatus, CallDuration } = status.value;
    const reason = endReasonOfStatus(CallStatus);
    if (!reason) {
      count('progress');
      return reply.code(204).send();
    }
    const seconds = CallDuration === undefined ? undefined : Number.parseInt(CallDuration, 10);
    await endCall(ctx, CallSid, reason, Number.isFinite(seconds) ? seconds : undefined);
    count('ended');
    return reply.code(204).send();
  });
}

/**
 * The call is over, as Twilio says. Local teardown comes first (it cannot fail); the event
 * follows, and the call's stream slot is closed (a late stream token or a replayed webhook is
 * refused from then on, on any gateway). The event's reason is the one this gateway asked for,
 * if it did, else Twilio's: a callback reaching another gateway than the one that hung up says
 * only what Twilio said, and the recorder settles the reason from `call.end_requested`.
 */
async function endCall(
  ctx: GatewayContext,
  callSid: string,
  twilioReason: CallEndReason,
  durationSeconds: number | undefined,
): Promise<void> {
  const log = callLogger(ctx.logger, callSid);
  const live = ctx.liveCalls.get(callSid);
  if (live?.stream) live.stream.end('call_ended', CLOSE_NORMAL);
  else if (live) releaseClaim(ctx, live, 'call_ended');

  const reason = ctx.endRequests.take(callSid) ?? twilioReason;
  ctx.events.publish(gatewayEvents.callEnded(new Date(ctx.now()), callSid, reason, durationSeconds));
  try {
    await ctx.streams.close(callSid);
  } catch (error) {
    log.error({ err: error }, 'could not close the call’s stream slot');
  }
  log.info({ reason, twilioReason, durationSeconds }, 'call ended');
}
