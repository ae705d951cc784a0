import type { CallInstruction, DialEndStatus } from '@voice/shared/contracts';
import type { HandoffContext } from '../routing/context.js';
import { type FallbackPlan, planFallback } from '../routing/fallback.js';
import type { QueueServer } from '../routing/queue-server.js';
import { type ReservedHuman, reserveHuman } from '../routing/reserve-human.js';
import { type AttemptOutcome, insertAttempt, recordAttemptOutcome } from '../store/attempts.js';
import { type Escalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { findHuman, freeHuman, markUnavailable } from '../store/humans.js';
import { findRoutingProfile } from '../store/profiles.js';
import { type DialCallback, instructionForState, isCurrentAttempt } from './current-state.js';
import { announceConnected } from './human-answered.js';
import { dialInstruction } from './instructions.js';

const MISSED: Partial<Record<DialEndStatus, AttemptOutcome>> = {
  no_answer: 'no_answer',
  busy: 'busy',
  failed: 'failed',
};

const HANG_UP: CallInstruction = { type: 'hang_up' };

/**
 * The dial ended (`<Dial action>`): the conversation is over, the caller hung up while it rang,
 * or the human missed it (the next human, or the fallback). Answers what the call runs next.
 */
export async function dialEnded(
  ctx: HandoffContext,
  queueServer: QueueServer,
  callback: DialCallback,
  status: DialEndStatus,
): Promise<CallInstruction> {
  switch (status) {
    case 'completed':
    case 'answered':
      await conversationOver(ctx, queueServer, callback);
      return HANG_UP;
    case 'canceled':
      await callerHungUp(ctx, queueServer, callback);
      return HANG_UP;
    default:
      return humanMissed(ctx, callback, MISSED[status] ?? 'failed');
  }
}

/** The human's leg ended after they talked: free for the next caller, the escalation stays theirs to resolve. */
async function conversationOver(ctx: HandoffContext, queueServer: QueueServer, callback: DialCallback) {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, callback.escalationId);
    if (!row || !isCurrentAttempt(row, callback.attempt)) return undefined;
    await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'answered', true);
    await freeHuman(tx, row.humanAgentId, row.id);
    const wasConnected = row.status === 'connected';
    const updated = wasConnected
      ? row
      : await updateEscalation(tx, row.id, { status: 'connected', message: null });
    return { row: updated, wasConnected };
  });
  if (!result) return;
  if (!result.wasConnected) await announceConnected(ctx, result.row);
  queueServer.humanFreed(result.row.queue);
}

async function callerHungUp(ctx: HandoffContext, queueServer: QueueServer, callback: DialCallback) {
  const failed = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, callback.escalationId);
    if (!row || !isCurrentAttempt(row, callback.attempt)) return undefined;
    await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'failed', true);
    await freeHuman(tx, row.humanAgentId, row.id);
    return updateEscalation(tx, row.id, {
      status: 'failed',
      failureReason: 'the caller hung up before a human answered',
    });
  });
  if (failed) {
    ctx.publisher.announce({ escalation: failed, status: 'failed' });
    queueServer.humanFreed(failed.queue);
  }
}

type Missed =
  | { kind: 'stale'; row: Escalation | undefined }
  | { kind: 'next'; row: Escalation; missedBy: string; next: ReservedHuman }
  | { kind: 'fallback'; row: Escalation; missedBy: string; plan: FallbackPlan };

async function humanMissed(
  ctx: HandoffContext,
  callback: DialCallback,
  outcome: AttemptOutcome,
): Promise<CallInstruction> {
  const result = await recordMiss(ctx, callback, outcome);
  if (result.kind === 'stale') return result.row ? instructionForState(ctx, result.row) : HANG_UP;

  const missedHuman = await findHuman(ctx.db, result.missedBy);
  ctx.publisher.announce({
    escalation: { ...result.row, attempts: callback.attempt },
    status: 'no_answer',
    human: missedHuman,
    message: missedHuman ? ctx.messages.noAnswer(missedHuman.name) : undefined,
  });
  if (result.kind === 'next') {
    ctx.publisher.announce({
      escalation: result.row,
      status: 'dialing',
      human: result.next,
      message: result.row.message,
    });
    return dialInstruction(ctx, result.row, result.next, result.row.attempts);
  }
  ctx.publisher.announce({
    escalation: result.row,
    status: result.plan.status,
    message: result.plan.message,
  });
  return result.plan.instruction;
}

/** Records the miss, sets the human away, and reserves the next untried human or plans the fallback. */
function recordMiss(ctx: HandoffContext, callback: DialCallback, outcome: AttemptOutcome): Promise<Missed> {
  return ctx.db.transaction(async (tx): Promise<Missed> => {
    const row = await lockEscalation(tx, callback.escalationId);
    if (!row || !isCurrentAttempt(row, callback.attempt) || row.status === 'connected') {
      return { kind: 'stale', row };
    }
    const missedBy = row.humanAgentId;
    await recordAttemptOutcome(tx, row.id, missedBy, outcome, true);
    await freeHuman(tx, missedBy, row.id);
    await markUnavailable(tx, missedBy);
    const next = await reserveHuman(tx, {
      escalationId: row.id,
      queue: row.queue,
      skills: row.skills,
      excludeTried: true,
    });
    if (next) {
      await insertAttempt(tx, row.id, next.id);
      const updated = await updateEscalation(tx, row.id, {
        status: 'dialing',
        humanAgentId: next.id,
        attempts: row.attempts + 1,
        message: ctx.messages.dialing(next.name),
      });
      return { kind: 'next', row: updated, missedBy, next };
    }
    const profile = await findRoutingProfile(tx, row.agentId);
    const plan = planFallback(ctx, row, profile?.fallback ?? 'callback');
    return { kind: 'fallback', row: await updateEscalation(tx, row.id, plan.changes), missedBy, plan };
  });
}
