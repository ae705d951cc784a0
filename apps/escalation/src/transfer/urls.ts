/** The paths Twilio calls back on; every one is signature-checked. */
export const TWILIO_PATHS = {
  dialStatus: '/twilio/dial-status',
  whisper: '/twilio/whisper',
  hold: '/twilio/hold',
} as const;

/** Absolute callback URLs, built from the public base URL Twilio reaches this service at. */
export interface TwilioCallbackUrls {
  /** `<Dial action>`: Twilio posts the dial's outcome (`DialCallStatus`) here. */
  dialStatus(escalationId: string, attempt: number): string;
  /** `<Number url>`: fetched when the human answers; its TwiML plays to them only. */
  whisper(escalationId: string, attempt: number): string;
  /** `<Enqueue waitUrl>`: fetched again and again while the caller holds. */
  hold(escalationId: string): string;
  /** The URL Twilio signed for a request it made, from the path and query it requested. */
  signed(pathAndQuery: string): string;
}

export function createTwilioCallbackUrls(publicBaseUrl: string): TwilioCallbackUrls {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const url = (path: string, query: Record<string, string>) =>
    `${base}${path}?${new URLSearchParams(query).toString()}`;
  return {
    dialStatus: (escalationId, attempt) =>
      url(TWILIO_PATHS.dialStatus, { escalationId, attempt: String(attempt) }),
    whisper: (escalationId, attempt) => url(TWILIO_PATHS.whisper, { escalationId, attempt: String(attempt) }),
    hold: (escalationId) => url(TWILIO_PATHS.hold, { escalationId }),
    signed: (pathAndQuery) => `${base}${pathAndQuery}`,
  };
}
