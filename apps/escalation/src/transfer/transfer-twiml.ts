import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;

/** The whisper is heard by the human before the caller is put through: keep it short. */
const WHISPER_SUMMARY_MAX_CHARS = 400;
const WHISPER_REASON_MAX_CHARS = 150;

/** The parts of the TwiML that rings one human. */
export interface DialHumanTwiml {
  /** Said to the caller before ringing ("connecting you to Alex"). */
  say: string;
  phone: string;
  actionUrl: string;
  whisperUrl: string;
  timeoutSeconds: number;
}

/**
 * Rings the human. `answerOnBridge` keeps the caller hearing ringback (not silence) until the
 * human picks up; the `<Number url>` whisper plays to the human alone before the bridge.
 */
export function dialHumanTwiml(input: DialHumanTwiml): string {
  const response = new VoiceResponse();
  response.say(input.say);
  const dial = response.dial({
    action: input.actionUrl,
    method: 'POST',
    timeout: input.timeoutSeconds,
    answerOnBridge: true,
  });
  dial.number({ url: input.whisperUrl, method: 'POST' }, input.phone);
  return response.toString();
}

export function whisperTwiml(input: { reason: string; summary: string; priority: string }): string {
  const response = new VoiceResponse();
  const urgency =
    input.priority === 'urgent' || input.priority === 'high' ? `${input.priority} priority. ` : '';
  response.say(
    `Transfer from the AI receptionist. ${urgency}Reason: ${sentence(clip(input.reason, WHISPER_REASON_MAX_CHARS))} ` +
      `Summary: ${sentence(clip(input.summary, WHISPER_SUMMARY_MAX_CHARS))} Connecting you now.`,
  );
  return response.toString();
}

/** Puts the caller in Twilio's queue; `waitUrl` answers with the hold updates and music. */
export function enqueueTwiml(input: { say: string; queue: string; waitUrl: string }): string {
  const response = new VoiceResponse();
  response.say(input.say);
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

/** Ends the text with one full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
