import { requireTwilioSignature } from '@voice/shared/twilio';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { ROUTES } from '../urls.js';
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
      preValidation: requireTwilioSignature({
        authToken: ctx.config.TWILIO_AUTH_TOKEN,
        signedUrl: () => ctx.urls.stream,
        onRefused: () => ctx.metrics.streams.inc({ outcome: 'forbidden' }),
      }),
    },
    (socket, request) => {
      // The upgraded WebSocket writes to the request's socket, which the relay corks per batch.
      new MediaStreamSession(ctx, socket, request.socket).listen();
    },
  );
}
