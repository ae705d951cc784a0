import { isValidTwilioSignature } from '@voice/shared/twilio';
import type { FastifyRequest } from 'fastify';

/** The header Twilio signs every webhook, callback and stream upgrade with. */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** Form parameters as @fastify/formbody parsed them (a repeated key becomes an array). */
export type FormParams = Record<string, string | string[]>;

/**
 * Whether the request carries Twilio's signature over `url` (the public URL Twilio was given,
 * never one rebuilt from the Host header) and `params`. A missing or repeated header fails.
 */
export function hasValidTwilioSignature(
  request: FastifyRequest,
  authToken: string,
  url: string,
  params: FormParams,
): boolean {
  const header = request.headers[TWILIO_SIGNATURE_HEADER];
  return isValidTwilioSignature({
    authToken,
    signature: typeof header === 'string' ? header : undefined,
    url,
    params,
  });
}

/** The parsed form body, or an empty object when there was none (or it was not a form). */
export function formParams(request: FastifyRequest): FormParams {
  const body = request.body;
  return body !== null && typeof body === 'object' ? (body as FormParams) : {};
}
