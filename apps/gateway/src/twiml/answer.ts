import twilio from 'twilio';

/** What callers hear when the system cannot help them; short, polite, and always followed by a hang-up. */
export const CALLER_MESSAGES = {
  unknownNumber: 'Sorry, this number is not in service. Goodbye.',
  busy: 'Sorry, all of our agents are busy right now. Please call again in a few minutes. Goodbye.',
  unavailable: 'Sorry, we cannot take your call right now. Please call again later. Goodbye.',
  bridgeFailed: 'Sorry, we are having trouble continuing this call. Please call again later. Goodbye.',
} as const;

/** The `<Parameter>` name that carries the stream token to `start.customParameters`. */
export const STREAM_TOKEN_PARAMETER = 'token';

export interface ConnectTwimlOptions {
  /** The `wss://` stream URL: Twilio signs the upgrade with it exactly as written. */
  streamUrl: string;
  /** Where Twilio posts the stream's status callbacks. */
  statusCallbackUrl: string;
  streamToken: string;
}

/**
 * Connects the call to a bidirectional media stream. Twilio drops query strings from stream
 * URLs, so the token travels as a `<Parameter>`. The verbs after `<Connect>` run only if the
 * stream ends while the call is still on this TwiML — the bridge failed — because hang-ups
 * and transfers replace the call's TwiML through the REST API first.
 */
export function connectTwiml(options: ConnectTwimlOptions): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.connect().stream({
    url: options.streamUrl,
    statusCallback: options.statusCallbackUrl,
    statusCallbackMethod: 'POST',
  });
  stream.parameter({ name: STREAM_TOKEN_PARAMETER, value: options.streamToken });
  response.say(CALLER_MESSAGES.bridgeFailed);
  response.hangup();
  return response.toString();
}
