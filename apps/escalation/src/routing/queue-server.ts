import { describeError } from '@voice/shared/errors';
import { TransferUnavailableError } from '../failures.js';
import { insertAttempt, recordAttemptOutcome } from '../store/attempts.js';
import { type Escalation, lockEscalation, lockNextServable, updateEscalation } from '../store/escalations.js';
import { freeHuman } from '../store/humans.js';
import type { HandoffContext } from './context.js';
import { type DialOutcome, dialReserved } from './dial-reserved.js';
import { reserveHuman } from './reserve-human.js';

/** How taking a queued caller ended. */
export type DequeueOutcome = DialOutcome | 'busy' | 'not_queued' | 'retry_later';

/**
 * Serves callers holding in the queue fallback: when a human of their queue becomes free
 * (availability set, a conversation over, an escalation resolved) the longest-waiting caller
 * that human has every skill for is moved from `<Enqueue>` to a `<Dial>` of them.
 */
export interface QueueServer {
  /** A human of this queue may be free now. Runs in the background and never throws. */
  humanFreed(queue: string): void;
  /** The same, awaitable; passes for one queue never overlap. */
  serve(queue: string): Promise<void>;
  /** A human takes this queued caller from the console. */
  acceptQueued(escalationId: string, humanAgentId: string): Promise<DequeueOutcome>;
  /**
   * Twilio fetched a holding caller's hold TwiML: a periodic chance to serve them, or to finish
   * a reservation whose transfer stalled (this process died between reserving and redirecting).
   */
  holdPolled(escalation: Escalation): void;
  /** Settles when no pass is running (shutdown). */
  idle(): Promise<void>;
}

/** Most callers moved in one pass; the next trigger continues. */
const MAX_PER_PASS = 20;
/** A reservation older than this whose call was never moved is taken as stalled. */
const STALE_RESERVATION_MS = 30_000;

export function createQueueServer(ctx: HandoffContext): QueueServer {
  const running = new Map<string, Promise<void>>();
  const rerun = new Set<string>();
  const background = new Set<Promise<unknown>>();
  const log = ctx.logger.child({ component: 'queue-server' });

  const track = (work: Promise<unknown>, what: string, bindings: Record<string, unknown>) => {
    const guarded = work.catch((error: unknown) =>
      log.error({ ...bindings, err: describeError(error) }, `${what} failed`),
    );
    background.add(guarded);
    void guarded.finally(() => background.delete(guarded));
  };

  /** Reserves a human for a queued caller (the next one of a queue, or the one given) and records the attempt. */
  const reserve = (target: { nextOf: string } | { escalationId: string; humanAgentId: string }) =>
    ctx.db.transaction(async (tx) => {
      const row =
        'nextOf' in target
          ? await lockNextServable(tx, target.nextOf)
          : await lockEscalation(tx, target.escalationId);
      const onlyHumanId = 'nextOf' in target ? undefined : target.humanAgentId;
      if (row?.status !== 'queued') return 'not_queued' as const;
      const human = await reserveHuman(tx, {
        escalationId: row.id,
        queue: row.queue,
        // A human taking a caller from the console has read what they need: their call, like availability.
        skills: onlyHumanId ? [] : row.skills,
        excludeTried: false,
        ...(onlyHumanId ? { onlyHumanId } : {}),
      });
      if (!human) return 'busy' as const;
      await insertAttempt(tx, row.id, human.id);
      return updateEscalation(tx, row.id, {
        status: 'routing',
        humanAgentId: human.id,
        attempts: row.attempts + 1,
      });
    });

  /** Twilio did not take the transfer: the caller goes back to holding, the human back to free. */
  const backToQueue = (reserved: Escalation) =>
    ctx.db.transaction(async (tx) => {
      const row = await lockEscalation(tx, reserved.id);
      if (row?.status !== 'routing' || row.attempts !== reserved.attempts || !row.humanAgentId) return;
      await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'failed', true);
      await freeHuman(tx, row.humanAgentId, row.id);
      await updateEscalation(tx, row.id, { status: 'queued', humanAgentId: null });
    });

  const dialFromQueue = async (reserved: Escalation): Promise<DequeueOutcome> => {
    try {
      return await dialReserved(ctx, reserved);
    } catch (error) {
      if (!(error instanceof TransferUnavailableError)) throw error;
      log.warn({ callSid: reserved.callSid, err: describeError(error) }, 'transfer from the queue deferred');
      await backToQueue(reserved);
      return 'retry_later';
    }
  };

  const passOnce = async (queue: string) => {
    for (let moved = 0; moved < MAX_PER_PASS; moved++) {
      const reserved = await reserve({ nextOf: queue });
      if (typeof reserved === 'string') return;
      if ((await dialFromQueue(reserved)) === 'retry_later') return;
    }
  };

  const serve = (queue: string): Promise<void> => {
    const current = running.get(queue);
    if (current) {
      rerun.add(queue);
      return current;
    }
    const pass = (async () => {
      do {
        rerun.delete(queue);
        await passOnce(queue);
      } while (rerun.has(queue));
    })().finally(() => running.delete(queue));
    running.set(queue, pass);
    return pass;
  };

  return {
    serve,
    humanFreed: (queue) => track(serve(queue), 'serving the queue', { queue }),
    async acceptQueued(escalationId, humanAgentId) {
      const reserved = await reserve({ escalationId, humanAgentId });
      return typeof reserved === 'string' ? reserved : dialFromQueue(reserved);
    },
    holdPolled(escalation) {
      if (escalation.status === 'queued') {
        track(serve(escalation.queue), 'serving the queue', { queue: escalation.queue });
        return;
      }
      const stalled =
        escalation.status === 'routing' &&
        escalation.humanAgentId !== null &&
        ctx.now().getTime() - escalation.updatedAt.getTime() > STALE_RESERVATION_MS;
      if (stalled)
        track(dialFromQueue(escalation), 'finishing a stalled transfer', { callSid: escalation.callSid });
    },
    async idle() {
      await Promise.all([...running.values(), ...background]);
    },
  };
}
