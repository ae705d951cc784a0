import { hangUpTwiml, sayAndHangUpTwiml } from '@voice/shared/twilio';
import type { HandoffContext } from '../routing/context.js';
import { dialTwimlFor } from '../routing/dial-reserved.js';
import { type FallbackPlan, planFallback } from '../routing/fallback.js';
import type { QueueServer } from '../routing/queue-server.js';
import { type ReservedHuman, reserveHuman } from '../routing/reserve-human.js';
import { type AttemptOutcome, insertAttempt, recordAttemptOutcome } from '../store/attempts.js';
import { type Escalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { findHuman, freeHuman, markUnavailable } from '../store/humans.js';
import { findRoutingProfile } from '../store/profiles.js';
import { enqueueTwiml, whisperTwiml } from './transfer-twiml.js';

/** `DialCallStatus` of Twilio's `<Dial action>` callback. */
export type DialCallStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

/** What the `<Dial action>` URL carries: which escalation and attempt the dial was for. */
export interface DialCallback {
  escalationId: string;
  attempt: number;
}

const MISSED: Partial<Record<DialCallStatus, AttemptOutcome>> = {
  'no-answer': 'no_answer',
  busy: 'busy',
  failed: 'failed',
};

/** This callback is about the attempt the escalation is on (not a late or repeated one). */
function isCurrentAttempt(row: Escalation, attempt: number): row is Escalation & { humanAgentId: string } {
  return (
    row.attempts === attempt &&
    row.humanAgentId !== null &&
    (row.status === 'routing' || row.status === 'dialing' || row.status === 'connected')
  );
}

/** Twilio's answers to the human's leg of a transfer: the whisper and the dial's outcome. */
export interface DialOutcomes {
  /** The human picked up (Twilio fetches the `<Number url>`): `connected`; answers the whisper. */
  whisper(escalationId: string, attempt: number): Promise<string>;
  /** The dial ended: the conversation is over, or the human missed it (next human or fallback). */
  dialStatus(callback: DialCallback, status: DialCallStatus): Promise<string>;
}

export function createDialOutcomes(ctx: HandoffContext, queueServer: QueueServer): DialOutcomes {
  const announceConnected = async (row: Escalation) => {
    const human = row.humanAgentId ? await findHuman(ctx.db, row.humanAgentId) : undefined;
    ctx.publisher.announce({ escalation: row, status: 'connected', human, message: row.message });
  };

  /** What the call should run now, from the stored row: a repeated or late callback changes nothing. */
  const twimlForState = async (row: Escalation): Promise<string> => {
    switch (row.status) {
      case 'routing':
      case 'dialing': {
        const human = row.humanAgentId ? await findHuman(ctx.db, row.humanAgentId) : undefined;
        return human ? dialTwimlFor(ctx, row, human, row.attempts) : hangUpTwiml();
      }
      case 'queued':
        return enqueueTwiml({
          say: row.message ?? ctx.messages.queued(row.queue),
          queue: row.queue,
          waitUrl: ctx.urls.hold(row.id),
        });
      case 'callback_scheduled':
        return sayAndHangUpTwiml(row.message ?? ctx.messages.callback(row.queue));
      case 'failed':
        return sayAndHangUpTwiml(row.message ?? ctx.messages.failed());
      default:
        return hangUpTwiml();
    }
  };

  const conversationOver = async (callback: DialCallback) => {
    const result = await ctx.db.transaction(async (tx) => {
      const row = await lockEscalation(tx, callback.escalationId);
      if (!row || !isCurrentAttempt(row, callback.attempt)) return undefined;
      await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'answered', true);
      // The human is free for the next caller; the escalation stays theirs to resolve in the console.
      await freeHuman(tx, row.humanAgentId, row.id);
      const wasConnected = row.status === 'connected';
      const updated = wasConnected
        ? row
        : await updateEscalation(tx, row.id, { status: 'connected', message: null });
      return { row: updated, wasConnected };
    });
    if (!result) return;
    if (!result.wasConnected) await announceConnected(result.row);
    queueServer.humanFreed(result.row.queue);
  };

  const callerHungUp = async (callback: DialCallback) => {
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
  };

  type Missed =
    | { kind: 'stale'; row: Escalation | undefined }
    | { kind: 'next'; row: Escalation; missedBy: string; next: ReservedHuman }
    | { kind: 'fallback'; row: Escalation; missedBy: string; plan: FallbackPlan };

  const humanMissed = async (callback: DialCallback, outcome: AttemptOutcome): Promise<string> => {
    const result = await ctx.db.transaction(async (tx): Promise<Missed> => {
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
    if (result.kind === 'stale') return result.row ? twimlForState(result.row) : hangUpTwiml();

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
      return dialTwimlFor(ctx, result.row, result.next, result.row.attempts);
    }
    ctx.publisher.announce({
      escalation: result.row,
      status: result.plan.status,
      message: result.plan.message,
    });
    return result.plan.twiml;
  };

  return {
    async whisper(escalationId, attempt) {
      const result = await ctx.db.transaction(async (tx) => {
        const row = await lockEscalation(tx, escalationId);
        if (!row || !isCurrentAttempt(row, attempt) || row.status === 'connected')
          return { row, changed: false };
        await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'answered', false);
        const human = await findHuman(tx, row.humanAgentId);
        const message = human ? ctx.messages.connected(human.name) : null;
        return { row: await updateEscalation(tx, row.id, { status: 'connected', message }), changed: true };
      });
      if (!result.row)
        return whisperTwiml({ reason: 'not recorded', summary: 'no summary', priority: 'normal' });
      if (result.changed) await announceConnected(result.row);
      return whisperTwiml(result.row);
    },

    async dialStatus(callback, status) {
      switch (status) {
        case 'completed':
        case 'answered':
          await conversationOver(callback);
          return hangUpTwiml();
        case 'canceled':
          await callerHungUp(callback);
          return hangUpTwiml();
        default:
          return humanMissed(callback, MISSED[status] ?? 'failed');
      }
    },
  };
}
