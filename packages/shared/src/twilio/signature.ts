import twilio from 'twilio';

/**
 * Checks `X-Twilio-Signature` against the URL Twilio was configured with (the public base
 * URL + path, never the Host header a proxy may rewrite) and the form parameters.
 * A WebSocket upgrade is signed with its `wss://` URL and no parameters.
 */
export function isValidTwilioSignature(input: {
  authToken: string;
  signature: string | undefined;
  url: string;
  params: Record<string, unknown>;
}): boolean {
  if (!input.signature) return false;
  return twilio.validateRequest(input.authToken, input.signature, input.url, input.params);
}

/** The signature Twilio would send (the simulator and tests sign with it). */
export function twilioSignature(authToken: string, url: string, params: Record<string, unknown>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
