/** A message from the media server that Twilio accepts: one of the three it plays or acts on. */
export type AcceptedMessage =
  | { event: 'media'; audio: Buffer }
  | { event: 'mark'; name: string }
  | { event: 'clear' };

/** What Twilio makes of one message from the media server: accepted, or why it is refused. */
export type OutboundVerdict = { ok: true; message: AcceptedMessage } | { ok: false; error: string };

/** Exactly the keys of each message (Twilio Media Streams docs, "WebSocket messages to Twilio"). */
const KEYS: Record<AcceptedMessage['event'], readonly string[]> = {
  media: ['event', 'streamSid', 'media'],
  mark: ['event', 'streamSid', 'mark'],
  clear: ['event', 'streamSid'],
};

/** A WAV file's first bytes: Twilio wants raw mu-law, "without audio file header bytes" (error 31924). */
const RIFF = Buffer.from('RIFF', 'latin1');

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Judges one text message from the media server as Twilio does on a bidirectional stream.
 * Twilio accepts only `media`, `mark` and `clear`, each with exactly its fields and the
 * stream's SID; anything else is refused with warning 31951 ("not valid JSON", "unsupported
 * event type", "missing required fields, included unexpected fields, or used the wrong object
 * structure", "streamSid did not match": twilio.com/docs/api/errors/31951). A media payload
 * must be base64 mu-law 8 kHz without a file header (errors 31924 and 31950). Refused
 * messages are not played or echoed; the stream goes on (31951 is a warning).
 */
export function checkOutbound(parsed: unknown, streamSid: string): OutboundVerdict {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return refused('not a JSON object');
  const value = parsed as Record<string, unknown>;
  const event = value.event;
  if (event !== 'media' && event !== 'mark' && event !== 'clear') {
    return refused(`unsupported event ${JSON.stringify(event)}`);
  }
  const keys = Object.keys(value);
  if (keys.length !== KEYS[event].length || !KEYS[event].every((key) => key in value)) {
    return refused(`${event} with fields ${keys.join(',')}`);
  }
  if (value.streamSid !== streamSid) return refused(`wrong streamSid on ${event}`);
  if (event === 'clear') return { ok: true, message: { event } };
  if (event === 'mark') {
    const mark = value.mark as { name?: unknown } | undefined;
    const name = onlyKey(mark, 'name');
    return typeof name === 'string' && name.length > 0
      ? { ok: true, message: { event, name } }
      : refused('mark without a name');
  }
  const payload = onlyKey(value.media as { payload?: unknown } | undefined, 'payload');
  if (typeof payload !== 'string' || !BASE64.test(payload)) return refused('media payload is not base64');
  const audio = Buffer.from(payload, 'base64');
  if (audio.subarray(0, 4).equals(RIFF)) return refused('media payload with a WAV header');
  return { ok: true, message: { event, audio } };
}

function refused(reason: string): OutboundVerdict {
  return { ok: false, error: `${reason} (31951)` };
}

/** The object's one key's value, or undefined when it is not exactly `{ [key]: … }`. */
function onlyKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key ? (value as Record<string, unknown>)[key] : undefined;
}
