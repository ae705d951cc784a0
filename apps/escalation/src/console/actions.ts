import { mayResolve } from '../domain/permissions.js';
import { ACCEPTABLE_STATUSES } from '../domain/statuses.js';
import type { HandoffContext } from '../routing/context.js';
import type { QueueServer } from '../routing/queue-server.js';
import { reserveHuman } from '../routing/reserve-human.js';
import { findEscalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { freeHuman, type HumanAgent, setAvailability } from '../store/humans.js';

/** Why an action was refused; the console shows a fixed text for each (nothing is reflected). */
export type ActionRefusal = 'not_found' | 'not_allowed' | 'busy' | 'taken' | 'call_ended' | 'try_again';

/** Done, or refused with a reason the console can show. */
export type ActionResult = { ok: true } | { ok: false; refusal: ActionRefusal };

/** What a signed-in human can do from the console. */
export interface ConsoleActions {
  setAvailability(human: HumanAgent, available: boolean): Promise<void>;
  /** Take a queued caller (their call is moved to this human) or a call-back (it becomes theirs). */
  accept(human: HumanAgent, escalationId: string): Promise<ActionResult>;
  /** Close an escalation that is theirs (or an unowned call-back or failure); frees them. */
  resolve(human: HumanAgent, escalationId: string): Promise<ActionResult>;
}

const refused = (refusal: ActionRefusal): ActionResult => ({ ok: false, refusal });
const done: ActionResult = { ok: true };

export function createConsoleActions(ctx: HandoffContext, queueServer: QueueServer): ConsoleActions {
  const acceptCallback = (human: HumanAgent, escalationId: string) =>
    ctx.db.transaction(async (tx): Promise<ActionResult> => {
      const row = await lockEscalation(tx, escalationId);
      if (row?.status !== 'callback_scheduled' || row.humanAgentId !== null) return refused('taken');
      const reserved = await reserveHuman(tx, {
        escalationId,
        queue: row.queue,
        skills: [],
        excludeTried: false,
        onlyHumanId: human.id,
      });
      if (!reserved) return refused('busy');
      await updateEscalation(tx, escalationId, { humanAgentId: human.id });
      return done;
    });

  return {
    async setAvailability(human, available) {
      await setAvailability(ctx.db, human.id, available);
      if (available) queueServer.humanFreed(human.queue);
    },

    async accept(human, escalationId) {
      const row = await findEscalation(ctx.db, escalationId);
      if (!row || row.queue !== human.queue) return refused('not_found');
      if (!ACCEPTABLE_STATUSES.includes(row.status)) return refused('not_allowed');
      if (row.status === 'callback_scheduled') return acceptCallback(human, escalationId);
      switch (await queueServer.acceptQueued(escalationId, human.id)) {
        case 'dialing':
          return done;
        case 'busy':
          return refused('busy');
        case 'not_queued':
          return refused('taken');
        case 'failed':
          return refused('call_ended');
        case 'retry_later':
          return refused('try_again');
      }
    },

    async resolve(human, escalationId) {
      const resolved = await ctx.db.transaction(async (tx) => {
        const row = await lockEscalation(tx, escalationId);
        if (!row || row.queue !== human.queue) return refused('not_found');
        if (!mayResolve(row, human)) return refused('not_allowed');
        const freed = await freeHuman(tx, human.id, escalationId);
        return {
          row: await updateEscalation(tx, escalationId, { status: 'resolved', resolvedAt: ctx.now() }),
          freed,
        };
      });
      if ('ok' in resolved) return resolved;
      ctx.publisher.announce({ escalation: resolved.row, status: 'resolved', human });
      if (resolved.freed) queueServer.humanFreed(human.queue);
      return done;
    },
  };
}
