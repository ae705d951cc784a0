import type { CallEndReason, TwilioCallStatus } from '@voice/shared/contracts';

/**
 * Twilio call statuses after which the call is over, and the end reason each `call.ended`
 * carries. `completed` only says the answered call is over. Every way the system ends a call
 * publishes its own reason first (`call.end_requested` for an agent's hang-up or a bridge or
 * session failure; `call.ended` itself for a refusal), and the recorder keeps that one; so when
 * `completed` is the only word, the caller hung up. (A call handed to a human also ends this
 * way; the recorder knows it was transferred.)
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
