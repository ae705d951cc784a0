import type { CallInstruction } from '@voice/shared/contracts';
import type { HandoffContext } from '../routing/context.js';
import type { Escalation } from '../store/escalations.js';
import { findHuman } from '../store/humans.js';
import { dialInstruction, enqueueInstruction } from './instructions.js';

/** What a transfer callback is about: which escalation and attempt (from its `ref`). */
export interface DialCallback {
  escalationId: string;
  attempt: number;
}

/** This callback is about the attempt the escalation is on (not a late or repeated one). */
export function isCurrentAttempt(
  row: Escalation,
  attempt: number,
): row is Escalation & { humanAgentId: string } {
  return (
    row.attempts === attempt &&
    row.humanAgentId !== null &&
    (row.status === 'routing' || row.status === 'dialing' || row.status === 'connected')
  );
}

/** What the call should run now, from the stored row: a repeated or late callback changes nothing. */
export async function instructionForState(ctx: HandoffContext, row: Escalation): Promise<CallInstruction> {
  switch (row.status) {
    case 'routing':
    case 'dialing': {
      const human = row.humanAgentId ? await findHuman(ctx.db, row.humanAgentId) : undefined;
      return human ? dialInstruction(ctx, row, human, row.attempts) : { type: 'hang_up' };
    }
    case 'queued':
      return enqueueInstruction(row, row.message ?? ctx.messages.queued(row.queue));
    case 'callback_scheduled':
      return { type: 'say_and_hang_up', text: row.message ?? ctx.messages.callback(row.queue) };
    case 'failed':
      return { type: 'say_and_hang_up', text: row.message ?? ctx.messages.failed() };
    default:
      return { type: 'hang_up' };
  }
}
