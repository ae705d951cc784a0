import type { EscalationStatusValue } from '@voice/shared/contracts';

/**
 * What each persisted status means for the work left to do. The stored row decides what a
 * redelivered request or a repeated Twilio callback still has to do, so nothing runs twice.
 * - `received`: persisted, not routed yet.
 * - `routing`: this escalation owns the call's hand-off; with `human_agent_id` set a human is
 *   reserved and the REST redirect to them is still to be confirmed.
 * - `dialing`: Twilio accepted the TwiML that rings the human (`attempts` = this attempt's number).
 * - `connected`: the human answered (the whisper was fetched, or Twilio reported the dial answered).
 * - `queued` / `callback_scheduled`: nobody was free; the fallback was applied.
 * - `failed` / `resolved`: final.
 */
export type StoredStatus = Exclude<EscalationStatusValue, 'no_answer'>;

/** Every status this service stores, in the order an escalation goes through them. */
export const STORED_STATUSES = [
  'received',
  'routing',
  'dialing',
  'connected',
  'queued',
  'callback_scheduled',
  'failed',
  'resolved',
] as const satisfies readonly StoredStatus[];

/** The escalation owns the call: another request for the same call must not move it again. */
export const CALL_OWNING_STATUSES: readonly StoredStatus[] = ['routing', 'dialing', 'connected', 'queued'];

/** Shown in the console's history. */
export const CLOSED_STATUSES: readonly StoredStatus[] = ['resolved', 'failed'];

/** Shown in the console's live queue. */
export const OPEN_STATUSES: readonly StoredStatus[] = STORED_STATUSES.filter(
  (status) => !CLOSED_STATUSES.includes(status),
);

/** A human may take these from the console. */
export const ACCEPTABLE_STATUSES: readonly StoredStatus[] = ['queued', 'callback_scheduled'];

/** A human may close these (the call is over, or there was never a live transfer). */
export const RESOLVABLE_STATUSES: readonly StoredStatus[] = ['connected', 'callback_scheduled', 'failed'];

/** Queue order: most urgent first, then oldest. */
export const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
