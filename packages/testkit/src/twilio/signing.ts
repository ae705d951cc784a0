import twilio from 'twilio';

/** The header Twilio signs requests with. */
export const TWILIO_SIGNATURE_HEADER = 'X-Twilio-Signature';

/**
 * The signature Twilio sends: HMAC-SHA1 with the auth token over the URL Twilio was given
 * (its public URL, query string included) followed by the sorted form parameters. A media
 * stream upgrade is signed over its `wss://` URL with no parameters.
 */
export function signTwilioRequest(
  authToken: string,
  url: string,
  params: Record<string, string> = {},
): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** The URL to actually reach for a public URL: same path and query, the gateway's origin. */
export function reachableUrl(publicUrl: string, publicBaseUrl: string, gatewayUrl: string): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const socketBase = base.replace(/^http/i, 'ws');
  const target = gatewayUrl.replace(/\/+$/, '');
  if (publicUrl.startsWith(base)) return target + publicUrl.slice(base.length);
  if (publicUrl.startsWith(socketBase))
    return target.replace(/^http/i, 'ws') + publicUrl.slice(socketBase.length);
  return publicUrl;
}

export interface SignedPostResult {
  status: number;
  body: string;
}

/** The header Twilio puts on every webhook and status callback. */
export const IDEMPOTENCY_TOKEN_HEADER = 'I-Twilio-Idempotency-Token';

/** A token for one distinct webhook; each of its retries carries the same one. */
export function newIdempotencyToken(): string {
  return crypto.randomUUID();
}

/**
 * POSTs a form exactly as Twilio does: urlencoded, signed over `publicUrl`, sent to `reachUrl`,
 * with an `I-Twilio-Idempotency-Token` (PROTOCOLS.md, corrections of 2026-12-02: the same on
 * every retry of one webhook, a fresh one for every other). A retry is byte-identical: the
 * signature covers only the URL and the parameters.
 */
export async function postSignedForm(options: {
  authToken: string;
  publicUrl: string;
  reachUrl: string;
  params: Record<string, string>;
  /** Sent instead of the real signature (forged-request tests); `null` sends none. */
  signature?: string | null;
  /** The token of the webhook this attempt delivers; default a fresh one (a new webhook). */
  idempotencyToken?: string;
  /** Twilio's read timeout for this attempt (`#rt`); past it the fetch is abandoned (ms). */
  readTimeoutMs?: number;
}): Promise<SignedPostResult> {
  const signature =
    options.signature === undefined
      ? signTwilioRequest(options.authToken, options.publicUrl, options.params)
      : options.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'TwilioProxy/1.1',
    [IDEMPOTENCY_TOKEN_HEADER]: options.idempotencyToken ?? newIdempotencyToken(),
  };
  if (signature !== null) headers[TWILIO_SIGNATURE_HEADER] = signature;
  const response = await fetch(options.reachUrl, {
    method: 'POST',
    headers,
    body: new URLSearchParams(options.params).toString(),
    ...(options.readTimeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.readTimeoutMs) }),
  });
  return { status: response.status, body: await response.text() };
}
