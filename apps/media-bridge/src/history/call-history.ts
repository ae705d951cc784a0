import type { JetStreamClient } from '@nats-io/jetstream';
import { type CallEvent, callEventSchema, decodeJson, subjects } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { STREAMS } from '@voice/shared/nats';

/** Where a bridge that takes over a live call reads what was said before it. */
export interface CallHistorySource {
  /** The call's events so far, in the order they were stored; empty when there are none. */
  load(callSid: string): Promise<CallEvent[]>;
}

/** A call has far fewer events than this; past it the oldest are what matter least. */
const MAX_HISTORY_EVENTS = 5_000;
const FETCH_EXPIRES_MS = 2_000;

/**
 * The call's own events in JetStream `CALLS` (`calls.events.<callSid>`), read with an ordered
 * consumer: immediate and authoritative, unlike the recorder's tables, which may lag. Whatever
 * the previous bridge published before it went away is there; what it had not published yet
 * is lost with it.
 */
export function createJetStreamHistory(js: JetStreamClient, logger: Logger): CallHistorySource {
  return {
    async load(callSid) {
      const consumer = await js.consumers.get(STREAMS.calls.name, {
        filter_subjects: subjects.callEvents(callSid),
      });
      const { num_pending: pending } = await consumer.info(true);
      if (pending === 0) return [];
      const events: CallEvent[] = [];
      const messages = await consumer.fetch({
        max_messages: Math.min(pending, MAX_HISTORY_EVENTS),
        expires: FETCH_EXPIRES_MS,
      });
      for await (const message of messages) {
        const event = decodeJson(callEventSchema, message.data, 'call event');
        if (event.ok) events.push(event.value);
        else
          logger.warn({ seq: message.seq, issues: event.error.issues }, 'skipped an unreadable call event');
        if (message.info.pending === 0 || events.length >= MAX_HISTORY_EVENTS) break;
      }
      return events;
    },
  };
}
