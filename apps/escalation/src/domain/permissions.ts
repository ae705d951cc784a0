import type { Escalation } from '../store/escalations.js';
import type { HumanAgent } from '../store/humans.js';
import { ACCEPTABLE_STATUSES, RESOLVABLE_STATUSES } from './statuses.js';

type Human = Pick<HumanAgent, 'id' | 'queue' | 'currentEscalationId'>;
type Row = Pick<Escalation, 'status' | 'humanAgentId' | 'queue'>;

/** A free human of the queue may take a queued caller or an unowned call-back. */
export function mayAccept(row: Row, human: Human): boolean {
  return (
    row.queue === human.queue &&
    ACCEPTABLE_STATUSES.includes(row.status) &&
    row.humanAgentId === null &&
    human.currentEscalationId === null
  );
}

/**
 * A conversation is closed by the human who had it; a call-back by whoever took it (anyone in
 * the queue if nobody did); a failure by anyone in the queue.
 */
export function mayResolve(row: Row, human: Human): boolean {
  if (row.queue !== human.queue || !RESOLVABLE_STATUSES.includes(row.status)) return false;
  if (row.status === 'failed') return true;
  return row.humanAgentId === human.id || (row.status === 'callback_scheduled' && row.humanAgentId === null);
}
