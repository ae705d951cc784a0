/** The paths Twilio calls back on during a transfer; every one is signature-checked. */
export const TRANSFER_PATHS = {
  dialStatus: '/twilio/dial-status',
  whisper: '/twilio/whisper',
  hold: '/twilio/hold',
} as const;

/** Absolute callback URLs of a transfer, built from the gateway's public base URL. */
export interface TransferUrls {
  /** `<Dial action>`: Twilio posts the dial's outcome (`DialCallStatus`) here. */
  dialStatus(ref: string): string;
  /** `<Number url>`: fetched when the human answers; its TwiML plays to them only. */
  whisper(ref: string): string;
  /** `<Enqueue waitUrl>`: fetched again and again while the caller holds. */
  hold(ref: string): string;
}

export function transferUrls(publicBaseUrl: string): TransferUrls {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const url = (path: string, ref: string) => `${base}${path}?${new URLSearchParams({ ref }).toString()}`;
  return {
    dialStatus: (ref) => url(TRANSFER_PATHS.dialStatus, ref),
    whisper: (ref) => url(TRANSFER_PATHS.whisper, ref),
    hold: (ref) => url(TRANSFER_PATHS.hold, ref),
  };
}
