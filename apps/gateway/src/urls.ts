/** The gateway's routes, as Twilio is told about them. */
export const ROUTES = {
  inbound: '/voice/inbound',
  status: '/voice/status',
  stream: '/voice/stream',
} as const;

/** Twilio's webhook forms are a few hundred bytes; anything near this is not Twilio. */
export const WEBHOOK_BODY_LIMIT_BYTES = 65_536;

/** The URLs Twilio uses to reach this gateway, derived once from `PUBLIC_BASE_URL`. */
export interface PublicUrls {
  /** `https://…/voice/status`: status callbacks of calls and streams. */
  readonly status: string;
  /** `wss://…/voice/stream` (`ws://` for an `http://` base): written into the TwiML and signed by Twilio as is. */
  readonly stream: string;
  /** The public URL of a request path (with its query string): what Twilio signed. */
  of(requestUrl: string): string;
}

/**
 * Signatures are checked against the configured public URL, never the Host header: a proxy or
 * load balancer in front of the gateway rewrites Host, and Twilio signs what it was told.
 */
export function publicUrls(publicBaseUrl: string): PublicUrls {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const socketBase = base.replace(/^http(s?):\/\//i, (_match, secure: string) => `ws${secure}://`);
  return {
    status: `${base}${ROUTES.status}`,
    stream: `${socketBase}${ROUTES.stream}`,
    of: (requestUrl) => `${base}${requestUrl}`,
  };
}
