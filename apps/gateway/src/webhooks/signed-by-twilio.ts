import { requireTwilioSignature } from '@voice/shared/twilio';
import type { GatewayContext } from '../context.js';

/** The signature check of a webhook Twilio posts to this gateway's public URL + the path it called. */
export function signedByTwilio(ctx: GatewayContext, onRefused: () => void) {
  return requireTwilioSignature({
    authToken: ctx.config.TWILIO_AUTH_TOKEN,
    signedUrl: (request) => ctx.urls.of(request.url),
    onRefused,
  });
}
