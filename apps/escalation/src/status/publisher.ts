import { createHash } from 'node:crypto';
import type { EscalationStatus, EscalationStatusValue } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { JetStreamOutbox } from '@voice/shared/nats';

/** The contract's bound on `eventId`. */
const EVENT_ID_MAX_CHARS = 200;

/** One status change of an escalation, as the service states it. */
export interface StatusChange {
  escalation: { id: string; callSid: string; attempts: number };
  status: EscalationStatusValue;
  human?: { id: string; name: string } | undefined;
  /** What the agent may tell the caller. */
  message?: string | null | undefined;
}

/** Publishes escalation status changes to JetStream for the bridge, the recorder and every console. */
export interface StatusPublisher {
  /** Resolves once JetStream stored it. `repeat` re-sends a change already counted (a redelivery). */
  publish(change: StatusChange, options?: { repeat?: boolean }): Promise<void>;
  /**
   * Queues a change without waiting for JetStream: for answers Twilio or a browser is waiting on,
   * which must not stall while NATS is away. The outbox retries until it is back; shutdown flushes it.
   */
  announce(change: StatusChange): void;
}

/**
 * One event id per change (`escalationId:status:attempt`): a change published again after a
 * crash or a redelivery is stored once by JetStream's de-duplication.
 */
export function statusEventId(escalationId: string, status: EscalationStatusValue, attempt: number): string {
  const id = `${escalationId}:${status}:${attempt}`;
  if (id.length <= EVENT_ID_MAX_CHARS) return id;
  return `${escalationId.slice(0, 120)}:${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}

export function createStatusPublisher(options: {
  outbox: JetStreamOutbox;
  logger: Logger;
  onChange?: (status: EscalationStatusValue) => void;
  now?: () => Date;
}): StatusPublisher {
  const now = options.now ?? (() => new Date());
  const publisher: StatusPublisher = {
    async publish(change, publishOptions = {}) {
      const status: EscalationStatus = {
        eventId: statusEventId(change.escalation.id, change.status, change.escalation.attempts),
        escalationId: change.escalation.id,
        callSid: change.escalation.callSid,
        status: change.status,
        ...(change.human ? { humanAgentId: change.human.id, humanName: change.human.name } : {}),
        ...(change.message ? { message: change.message } : {}),
        at: now().toISOString(),
      };
      if (!publishOptions.repeat) options.onChange?.(change.status);
      await options.outbox.publishEscalationStatus(status);
    },
    announce(change) {
      publisher
        .publish(change)
        .catch((error: unknown) =>
          options.logger.error(
            { callSid: change.escalation.callSid, status: change.status, err: error },
            'escalation status not published',
          ),
        );
    },
  };
  return publisher;
}
