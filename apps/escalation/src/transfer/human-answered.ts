import type { HandoffContext } from '../routing/context.js';
import { recordAttemptOutcome } from '../store/attempts.js';
import { type Escalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { findHuman } from '../store/humans.js';
import { type DialCallback, isCurrentAttempt } from './current-state.js';
import { whisperText } from './whisper.js';

const UNRECORDED = { reason: 'not recorded', summary: 'no summary', priority: 'normal' };

/** Tells the agent and the consoles that the human is on the line with the caller. */
export async function announceConnected(ctx: HandoffContext, row: Escalation): Promise<void> {
  const human = row.humanAgentId ? await findHuman(ctx.db, row.humanAgentId) : undefined;
  ctx.publisher.announce({ escalation: row, status: 'connected', human, message: row.message });
}

/**
 * The human picked up (the ingress asks for the whisper): the escalation is `connected`, and the
 * answer is the brief they hear before the caller is put through. A repeat changes nothing.
 */
export async function humanAnswered(ctx: HandoffContext, callback: DialCallback): Promise<string> {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, callback.escalationId);
    if (!row || !isCurrentAttempt(row, callback.attempt) || row.status === 'connected') {
      return { row, changed: false };
    }
    await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'answered', false);
    const human = await findHuman(tx, row.humanAgentId);
    const message = human ? ctx.messages.connected(human.name) : null;
    return { row: await updateEscalation(tx, row.id, { status: 'connected', message }), changed: true };
  });
  if (!result.row) return whisperText(UNRECORDED);
  if (result.changed) await announceConnected(ctx, result.row);
  return whisperText(result.row);
}
