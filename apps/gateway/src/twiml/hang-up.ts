// The TwiML that ends a call, which several of the gateway's answers end with. Built with the
// SDK's VoiceResponse, which escapes the text: a message may carry what a caller or a model said.
import twilio from 'twilio';

/** A polite message, then hang up: never silence, never Twilio's own error message. */
export function sayAndHangUpTwiml(message: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(message);
  response.hangup();
  return response.toString();
}

/** Hang up without a word (the caller has already been told, or is already gone). */
export function hangUpTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}
