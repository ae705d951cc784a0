import type { TransferTarget } from '@voice/shared/contracts';
import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;

/** The parts of the TwiML that rings one human. */
export interface DialHumanTwiml {
  /** Said to the caller before ringing ("connecting you to Alex"). */
  say: string | undefined;
  to: TransferTarget;
  actionUrl: string;
  /** Fetched when the human answers; absent: no whisper. */
  whisperUrl: string | undefined;
  timeoutSeconds: number;
}

/**
 * Rings the human. `answerOnBridge` keeps the caller hearing ringback (not silence) until the
 * human picks up; the `<Number url>` (or `<Sip url>`) whisper plays to the human alone before the bridge.
 */
export function dialHumanTwiml(input: DialHumanTwiml): string {
  const response = new VoiceResponse();
  if (input.say) response.say(input.say);
  const dial = response.dial({
    action: input.actionUrl,
    method: 'POST',
    timeout: input.timeoutSeconds,
    answerOnBridge: true,
  });
  const whisper = input.whisperUrl ? { url: input.whisperUrl, method: 'POST' as const } : {};
  if ('phone' in input.to) dial.number(whisper, input.to.phone);
  else dial.sip(whisper, input.to.sip);
  return response.toString();
}

/** What the human hears before the bridge (the text is the hand-off owner's). */
export function whisperTwiml(text: string): string {
  const response = new VoiceResponse();
  response.say(text);
  return response.toString();
}

/** Puts the caller in Twilio's queue; `waitUrl` answers with the hold updates and music. */
export function enqueueTwiml(input: { say: string | undefined; queue: string; waitUrl: string }): string {
  const response = new VoiceResponse();
  if (input.say) response.say(input.say);
  response.enqueue({ waitUrl: input.waitUrl, waitUrlMethod: 'POST' }, input.queue);
  return response.toString();
}

/** One round of hold: where the caller is, then music (or a pause); Twilio fetches it again after. */
export function holdTwiml(input: {
  position: number | undefined;
  musicUrl: string | undefined;
  pauseSeconds: number;
}): string {
  const response = new VoiceResponse();
  const where =
    input.position !== undefined && input.position > 0 ? `You are number ${input.position} in line. ` : '';
  response.say(`${where}Thank you for holding; the next available person will be with you shortly.`);
  if (input.musicUrl) response.play(input.musicUrl);
  else response.pause({ length: input.pauseSeconds });
  return response.toString();
}
