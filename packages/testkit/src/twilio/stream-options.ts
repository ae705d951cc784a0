import type { PlaceCallOptions } from './call-options.js';
import type { MediaStreamOptions } from './media-stream.js';
import { reachableUrl } from './signing.js';
import type { ConnectStream } from './twiml-reader.js';

/** How Twilio opens the media stream a `<Connect><Stream>` names, with the call's forgeries. */
export function streamOptions(
  options: PlaceCallOptions,
  call: { callSid: string; origin: number; publicBase: string },
  connect: ConnectStream,
): MediaStreamOptions {
  const forge = options.forge;
  return {
    url: reachableUrl(connect.url, call.publicBase, options.gatewayUrl),
    signedUrl: connect.url,
    authToken: options.authToken,
    accountSid: options.accountSid,
    callSid: call.callSid,
    customParameters: forge?.customParameters ?? connect.parameters,
    origin: call.origin,
    ...options.streamHooks,
    ...(options.stalls ? { stalls: options.stalls } : {}),
    ...(forge?.upgradeSignature === undefined ? {} : { upgradeSignature: forge.upgradeSignature }),
  };
}
