import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';

/** The header Twilio signs every webhook, callback and stream upgrade with. */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** Form parameters as @fastify/formbody parsed them (a repeated key becomes an array). */
export type FormParams = Record<string, string | string[]>;

/** What a route's signature check needs from the service that owns the route. */
export interface TwilioSignatureCheck {
  authToken: string;
  /**
   * The URL Twilio was given for this request: the configured public base URL + path (a
   * WebSocket upgrade: its `wss://` URL), never one rebuilt from the Host header a proxy rewrites.
   */
  signedUrl(request: FastifyRequest): string;
  /** Counts a refusal in the service's own metrics, if it counts them. */
  onRefused?(request: FastifyRequest): void;
}

/**
 * A `preHandler` (or `preValidation`, for a WebSocket upgrade) that lets through only what
 * Twilio signed: `X-Twilio-Signature` over the check's URL and the form parameters (a GET, such
 * as the stream upgrade, has none). Anything else is answered 403 and never reaches the handler.
 */
export function requireTwilioSignature(check: TwilioSignatureCheck) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (hasTwilioSignature(request, check.authToken, check.signedUrl(request))) return;
    request.log.warn(
      { route: request.routeOptions.url },
      'rejected: bad, missing or repeated Twilio signature',
    );
    check.onRefused?.(request);
    await reply.code(403).type('text/plain').send('invalid signature');
  };
}

/** The parsed form body, or an empty object when there was none (or it was not a form). */
export function formParams(request: FastifyRequest): FormParams {
  const body = request.body;
  return body !== null && typeof body === 'object' ? (body as FormParams) : {};
}

/** The signature Twilio would send (the simulator and tests sign with it). */
export function twilioSignature(authToken: string, url: string, params: Record<string, unknown>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

function hasTwilioSignature(request: FastifyRequest, authToken: string, url: string): boolean {
  const signature = singleSignature(request);
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, formParams(request));
}

/**
 * Twilio sends the header once. Repeated, it has no one meaning: choosing a copy would let
 * whoever added the other decide what is checked. Node joins repeats with ", " (a base64
 * signature has no comma); both that and an array are refused, never picked from.
 */
function singleSignature(request: FastifyRequest): string | undefined {
  const header = request.headers[TWILIO_SIGNATURE_HEADER];
  return typeof header === 'string' && !header.includes(',') ? header : undefined;
}
