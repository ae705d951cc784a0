import type { CallEndReason, CallEvent, CallEventOf } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { JetStreamOutbox } from '@voice/shared/nats';

/** Where the gateway's call events go: JetStream `CALLS` in production, a list in unit tests. */
export interface CallEventSink {
  /** Queues the event; delivery (with retries while NATS is away) is the sink's job. */
  publish(event: CallEvent): void;
}

/** A sink on the shared outbox: ordered, de-duplicated by `eventId`, retried across NATS restarts. */
export function createOutboxEventSink(outbox: JetStreamOutbox, logger: Logger): CallEventSink {
  return {
    publish(event) {
      outbox.publishCallEvent(event).catch((error: unknown) => {
        logger.error({ err: error, callSid: event.callSid, eventId: event.eventId }, 'call event not queued');
      });
    },
  };
}

type WithoutEnvelope<T extends CallEvent['type']> = Omit<
  CallEventOf<T>,
  'eventId' | 'at' | 'source' | 'type'
>;

const envelope = (eventId: string, callSid: string, at: Date) => ({
  eventId,
  callSid,
  at: at.toISOString(),
  source: 'gateway' as const,
});

/** The gateway's call events, with deterministic ids wherever a retry must be recognised. */
export const gatewayEvents = {
  callStarted: (at: Date, fields: WithoutEnvelope<'call.started'>): CallEventOf<'call.started'> => ({
    ...envelope(`${fields.callSid}:started`, fields.callSid, at),
    type: 'call.started',
    ...fields,
  }),
  /** Why this gateway asked for the call to end; a repeat of the same request is stored once. */
  endRequested: (at: Date, callSid: string, reason: CallEndReason): CallEventOf<'call.end_requested'> => ({
    ...envelope(`${callSid}:end-requested:${reason}`, callSid, at),
    type: 'call.end_requested',
    reason,
  }),
  callEnded: (
    at: Date,
    callSid: string,
    reason: CallEndReason,
    durationSeconds?: number,
  ): CallEventOf<'call.ended'> => ({
    ...envelope(`${callSid}:ended`, callSid, at),
    type: 'call.ended',
    reason,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  }),
  streamStarted: (at: Date, fields: WithoutEnvelope<'stream.started'>): CallEventOf<'stream.started'> => ({
    ...envelope(`${fields.callSid}:stream-started:${fields.streamSid}`, fields.callSid, at),
    type: 'stream.started',
    ...fields,
  }),
  /** The live stream moved to another bridge (failover, hand-over): one per claim of the stream. */
  streamResumed: (
    at: Date,
    fields: Omit<WithoutEnvelope<'stream.started'>, 'resumed'>,
  ): CallEventOf<'stream.started'> => ({
    ...envelope(`${fields.callSid}:stream-started:${fields.streamSid}:${fields.claimId}`, fields.callSid, at),
    type: 'stream.started',
    ...fields,
    resumed: true,
  }),
  streamEnded: (at: Date, fields: WithoutEnvelope<'stream.ended'>): CallEventOf<'stream.ended'> => ({
    ...envelope(`${fields.callSid}:stream-ended:${fields.streamSid}`, fields.callSid, at),
    type: 'stream.ended',
    ...fields,
  }),
  dtmf: (
    at: Date,
    streamSid: string,
    sequence: string,
    fields: WithoutEnvelope<'dtmf'>,
  ): CallEventOf<'dtmf'> => ({
    ...envelope(`${fields.callSid}:dtmf:${streamSid}:${sequence}`, fields.callSid, at),
    type: 'dtmf',
    ...fields,
  }),
};
