import type { JetStreamManager } from '@nats-io/jetstream';
import { decodeJson, escalationAnnouncedSchema, subjects } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { type NatsConnection, STREAMS } from '@voice/shared/nats';
import type { Escalation } from '../store/escalations.js';

/** How waiting for the agent's hand-off line ended. */
export type AnnouncementOutcome = 'heard' | 'timed_out';

/**
 * The agent's hand-off line ("I'm connecting you now…") as the caller hears it. A Twilio REST
 * update replaces the call's TwiML at once and the audio the stream has not played yet is
 * never heard (PROTOCOLS.md, corrections of 2026-12-02), so the call is moved only once the
 * media-bridge says the line has played (`escalations.announced.<callSid>`), or after a bound:
 * a lost fact must never hold a transfer forever.
 */
export interface Announcements {
  heard(escalation: Pick<Escalation, 'id' | 'callSid'>, boundMs: number): Promise<AnnouncementOutcome>;
}

/**
 * Listens on core NATS and reads the stored fact from the `ESCALATIONS` stream, so a line heard
 * before this instance started waiting (or before a redelivery) counts at once.
 */
export function createNatsAnnouncements(
  nc: NatsConnection,
  jsm: JetStreamManager,
  logger: Logger,
): Announcements {
  const log = logger.child({ component: 'announcements' });
  const isFor = (escalationId: string, data: Uint8Array) => {
    const fact = decodeJson(escalationAnnouncedSchema, data, 'escalation announced');
    return fact.ok && fact.value.escalationId === escalationId;
  };

  return {
    heard({ id, callSid }, boundMs) {
      const subject = subjects.escalationAnnounced(callSid);
      return new Promise((resolve) => {
        let settled = false;
        const settle = (outcome: AnnouncementOutcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(outcome);
        };
        const subscription = nc.subscribe(subject, {
          callback: (error, msg) => {
            if (!error && isFor(id, msg.data)) settle('heard');
          },
        });
        const timer = setTimeout(() => settle('timed_out'), boundMs);
        jsm.streams.getMessage(STREAMS.escalations.name, { last_by_subj: subject }).then(
          (stored) => {
            if (stored && isFor(id, stored.data)) settle('heard');
          },
          (error: unknown) =>
            log.warn({ err: error, escalationId: id }, 'stored hand-off fact unreadable; waiting live'),
        );
      });
    },
  };
}
