import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { ROUTES } from '../urls.js';
import { hasValidTwilioSignature } from '../webhooks/twilio-signature.js';
import { MediaStreamSession } from './stream-session.js';

/**
 * `GET /voice/stream`: Twilio's media WebSocket. The upgrade request must carry Twilio's
 * signature over the exact stream URL written in the TwiML (and no parameters); otherwise it
 * is answered 403 and never upgraded. Needs `@fastify/websocket` registered on `app`.
 */
export function registerMediaStream(app: FastifyInstance, ctx: GatewayContext): void {
  app.get(
    ROUTES.stream,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (hasValidTwilioSignature(request, ctx.config.TWILIO_AUTH_TOKEN, ctx.urls.stream, {})) return;
        request.log.warn({ route: 'stream' }, 'rejected stream upgrade: bad or missing Twilio signature');
        ctx.metrics.streams.inc({ outcome: 'forbidden' });
        await reply.code(403).send();
      },
    },
    (socket, request) => {
      // The upgraded WebSocket writes to the request's socket, which the relay corks per batch.
      new MediaStreamSession(ctx, socket, request.socket).listen();
    },
  );
}
