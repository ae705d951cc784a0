import { describeError } from '@voice/shared/errors';
import type { Logger } from '@voice/shared/logging';
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
   * The ingress polled a holding caller's hold: a periodic chance to serve them, or to finish
   * a reservation whose transfer stalled (this process died between reserving and transferring).
   */
  holdPolled(escalation: Escalation): void;
  /** Settles when no pass is running (shutdown). */
  idle(): Promise<void>;
}

/** Most callers moved in one pass; the next trigger continues. */
const MAX_PER_PASS = 20;
/** A reservation older than this whose call was never moved is taken as stalled. */
const STALE_RESERVATION_MS = 30_000;

/** What the server keeps between triggers: the pass running per queue, and background work. */
interface QueueState {
  ctx: HandoffContext;
  log: Logger;
  running: Map<string, Promise<void>>;
  /** Queues triggered while their pass ran: the pass goes round once more. */
  rerun: Set<string>;
  background: Set<Promise<unknown>>;
}

export function createQueueServer(ctx: HandoffContext): QueueServer {
  const state: QueueState = {
    ctx,
    log: ctx.logger.child({ component: 'queue-server' }),
    running: new Map(),
    rerun: new Set(),
    background: new Set(),
  };
  return {
    serve: (queue) => serve(state, queue),
    humanFreed: (queue) => track(state, serve(state, queue), 'serving the queue', { queue }),
    async acceptQueued(escalationId, humanAgentId) {
      const reserved = await reserve(ctx, { escalationId, humanAgentId });
      return typeof reserved === 'string' ? reserved : dialFromQueue(state, reserved);
    },
    holdPolled: (escalation) => holdPolled(state, escalation),
    async idle() {
      await Promise.all([...state.running.values(), ...state.background]);
    },
  };
}

/** Runs work in the background: logged if it fails, awaited by `idle`. */
function track(state: QueueState, work: Promise<unknown>, what: string, bindings: Record<string, unknown>) {
  const guarded = work.catch((error: unknown) =>
    state.log.error({ ...bindings, err: describeError(error) }, `${what} failed`),
  );
  state.background.add(guarded);
  void guarded.finally(() => state.background.delete(guarded));
}

/** Reserves a human for a queued caller (the next one of a queue, or the one given) and records the attempt. */
function reserve(
  ctx: HandoffContext,
  target: { nextOf: string } | { escalationId: string; humanAgentId: string },
) {
  return ctx.db.transaction(async (tx) => {
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
}

/** The ingress did not take the transfer: the caller goes back to holding, the human back to free. */
function backToQueue(ctx: HandoffContext, reserved: Escalation) {
  return ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, reserved.id);
    if (row?.status !== 'routing' || row.attempts !== reserved.attempts || !row.humanAgentId) return;
    await recordAttemptOutcome(tx, row.id, row.humanAgentId, 'failed', true);
    await freeHuman(tx, row.humanAgentId, row.id);
    await updateEscalation(tx, row.id, { status: 'queued', humanAgentId: null });
  });
}

async function dialFromQueue(state: QueueState, reserved: Escalation): Promise<DequeueOutcome> {
  try {
    return await dialReserved(state.ctx, reserved);
  } catch (error) {
    if (!(error instanceof TransferUnavailableError)) throw error;
    state.log.warn(
      { callSid: reserved.callSid, err: describeError(error) },
      'transfer from the queue deferred',
    );
    await backToQueue(state.ctx, reserved);
    return 'retry_later';
  }
}

async function passOnce(state: QueueState, queue: string) {
  for (let moved = 0; moved < MAX_PER_PASS; moved++) {
    const reserved = await reserve(state.ctx, { nextOf: queue });
    if (typeof reserved === 'string') return;
    if ((await dialFromQueue(state, reserved)) === 'retry_later') return;
  }
}

/** One pass per queue at a time; a trigger during a pass makes it go round once more. */
function serve(state: QueueState, queue: string): Promise<void> {
  const current = state.running.get(queue);
  if (current) {
    state.rerun.add(queue);
    return current;
  }
  const pass = (async () => {
    do {
      state.rerun.delete(queue);
      await passOnce(state, queue);
    } while (state.rerun.has(queue));
  })().finally(() => state.running.delete(queue));
  state.running.set(queue, pass);
  return pass;
}

function holdPolled(state: QueueState, escalation: Escalation): void {
  if (escalation.status === 'queued') {
    track(state, serve(state, escalation.queue), 'serving the queue', { queue: escalation.queue });
    return;
  }
  const stalled =
    escalation.status === 'routing' &&
    escalation.humanAgentId !== null &&
    state.ctx.now().getTime() - escalation.updatedAt.getTime() > STALE_RESERVATION_MS;
  if (stalled) {
    track(state, dialFromQueue(state, escalation), 'finishing a stalled transfer', {
      callSid: escalation.callSid,
    });
  }
}
