import type { CallEndReason, TwilioCallStatus } from '@voice/shared/contracts';

/**
 * Twilio call statuses after which the call is over, and the end reason each one records.
 * `completed` only says the answered call is over. Every way the system ends a call notes its
 * own reason first (an agent's hang-up, a bridge or session failure, a refusal), and the first
 * reason on record wins; so when `completed` is the first word, the caller hung up. (A call
 * handed to a human also ends this way; the recorder knows it was transferred.)
 */
const TERMINAL_STATUSES: Partial<Record<TwilioCallStatus, CallEndReason>> = {
  completed: 'caller_hangup',
  busy: 'busy',
  failed: 'failed',
  'no-answer': 'no_answer',
  canceled: 'canceled',
};

/** The end reason of a terminal Twilio call status; undefined while the call is still going. */
export function endReasonOfStatus(status: TwilioCallStatus): CallEndReason | undefined {
  return TERMINAL_STATUSES[status];
}
