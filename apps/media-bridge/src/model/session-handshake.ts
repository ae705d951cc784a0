import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import type { ServerEvent, ServerEventOf } from './server-events.js';
import type { RealtimeTransport } from './transport.js';

/** The API's refusal of a `session.update`, in its own words. */
export interface SessionRefusal {
  code: string | null;
  message: string;
  param: string | null;
}

/**
 * The API refused the session's configuration. Retrying the same `session.update` gets the
 * same refusal, so this is not retried: the call cannot be served as configured.
 */
export class SessionConfigRejected extends Error {
  constructor(readonly refusal: SessionRefusal) {
    super(`session.update refused: ${refusal.message} (${refusal.param ?? 'no param'})`);
    this.name = 'SessionConfigRejected';
  }
}

/** Phone audio is G.711 mu-law both ways; anything else plays as static or hears noise. */
const PHONE_FORMAT = 'audio/pcmu';

/**
 * Whether a `session.updated` confirms mu-law in and out. A GA session starts as 24 kHz PCM
 * (PROTOCOLS.md, corrections), so until this holds no caller audio goes in and no greeting is
 * asked for.
 */
export function confirmsPhoneAudio(event: ServerEventOf<'session.updated'>): boolean {
  const audio = (event.session as { audio?: { input?: FormatHolder; output?: FormatHolder } }).audio;
  return audio?.input?.format?.type === PHONE_FORMAT && audio?.output?.format?.type === PHONE_FORMAT;
}
type FormatHolder = { format?: { type?: string } };

/** The refusal an `error` event carries, when it answers the client event `eventId`. */
export function refusalOf(event: ServerEvent, eventId: string): SessionRefusal | undefined {
  if (event.type !== 'error' || event.error.event_id !== eventId) return undefined;
  return { code: event.error.code ?? null, message: event.error.message, param: event.error.param ?? null };
}

let updates = 0;

/** A client event id for a `session.update`, so its `error` can be told from any other. */
export function sessionUpdateId(): string {
  updates++;
  return `session_update_${process.pid}_${updates}`;
}

/**
 * Sends the session's configuration and resolves once `session.updated` confirms phone audio;
 * rejects with `SessionConfigRejected` when the API refuses it (the `error` naming this
 * update's event id) or confirms something else, and with a plain error on a timeout or close.
 */
export function configureSession(
  transport: RealtimeTransport,
  session: RealtimeSessionCreateRequest,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const eventId = sessionUpdateId();
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => settle(new Error(`session.update not confirmed within ${timeoutMs} ms`)),
      timeoutMs,
    );
    transport.on('event', (event) => {
      if (settled) return;
      const refusal = refusalOf(event, eventId);
      if (refusal) settle(new SessionConfigRejected(refusal));
      else if (event.type === 'session.updated') {
        settle(
          confirmsPhoneAudio(event)
            ? undefined
            : new SessionConfigRejected({
                code: null,
                message: 'session.updated does not confirm audio/pcmu in and out',
                param: 'session.audio',
              }),
        );
      }
    });
    transport.on('close', (code) => settle(new Error(`model socket closed (${code}) during configuration`)));
    if (!transport.send({ type: 'session.update', event_id: eventId, session })) {
      settle(new Error('model socket closed before configuration'));
    }
  });
}
