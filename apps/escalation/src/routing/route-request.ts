import { insertAttempt } from '../store/attempts.js';
import { type Escalation, lockEscalation, otherOwnerOfCall, updateEscalation } from '../store/escalations.js';
import type { HandoffContext } from './context.js';
import { dialReserved } from './dial-reserved.js';
import { type Fallback, fallBackAtIntake } from './fallback.js';
import { afterHandOffLine } from './hand-off-line.js';
import { reserveHuman } from './reserve-human.js';

/** Where routing a request left it. `moved_on`: another step already took it further. */
export type RouteOutcome = 'dialing' | 'queued' | 'callback_scheduled' | 'failed' | 'superseded' | 'moved_on';

type Claim =
  | { kind: 'claimed'; escalation: Escalation; fresh: boolean }
  | { kind: 'reserved'; escalation: Escalation }
  | { kind: 'superseded'; escalation: Escalation }
  | { kind: 'moved_on' };

/**
 * Routes a persisted request, resuming from whatever its stored row says was already done:
 * received → routing (claims the call) → a human reserved → the agent's hand-off line heard
 * (or its bound passed) → the call moved (`dialing`), or nobody free → the profile's fallback. Transient failures are thrown (the intake retries
 * and resumes here); permanent ones end as `failed` with the agent told.
 */
export async function routeEscalation(
  ctx: HandoffContext,
  escalation: Escalation,
  fallback: Fallback,
): Promise<RouteOutcome> {
  const claim = await claimCall(ctx, escalation.id);
  switch (claim.kind) {
    case 'moved_on':
      return 'moved_on';
    case 'superseded':
      await ctx.publisher.publish({
        escalation: claim.escalation,
        status: 'failed',
        message: claim.escalation.message,
      });
      return 'superseded';
    case 'reserved':
      await afterHandOffLine(ctx, claim.escalation);
      return dialReserved(ctx, claim.escalation);
    case 'claimed':
      break;
  }
  await ctx.publisher.publish({ escalation: claim.escalation, status: 'routing' }, { repeat: !claim.fresh });

  const reserved = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, escalation.id);
    if (row?.status !== 'routing' || row.humanAgentId !== null) return { kind: 'moved_on' as const };
    const human = await reserveHuman(tx, {
      escalationId: row.id,
      queue: row.queue,
      skills: row.skills,
      excludeTried: true,
    });
    if (!human) return { kind: 'nobody_free' as const, escalation: row };
    await insertAttempt(tx, row.id, human.id);
    const updated = await updateEscalation(tx, row.id, {
      humanAgentId: human.id,
      attempts: row.attempts + 1,
    });
    return { kind: 'reserved' as const, escalation: updated };
  });
  switch (reserved.kind) {
    case 'moved_on':
      return 'moved_on';
    case 'reserved':
      await afterHandOffLine(ctx, reserved.escalation);
      return dialReserved(ctx, reserved.escalation);
    case 'nobody_free':
      // The queue fallback moves the call too; a call-back leaves the agent on the line.
      if (fallback === 'queue') await afterHandOffLine(ctx, reserved.escalation);
      return fallBackAtIntake(ctx, reserved.escalation, fallback);
  }
}

/** Takes ownership of the call's hand-off, unless another escalation of the same call holds it. */
function claimCall(ctx: HandoffContext, id: string): Promise<Claim> {
  return ctx.db.transaction(async (tx): Promise<Claim> => {
    const row = await lockEscalation(tx, id);
    if (!row) return { kind: 'moved_on' };
    if (row.status === 'routing') {
      return row.humanAgentId
        ? { kind: 'reserved', escalation: row }
        : { kind: 'claimed', escalation: row, fresh: false };
    }
    if (row.status !== 'received') return { kind: 'moved_on' };
    const owner = await otherOwnerOfCall(tx, row.callSid, id);
    if (owner !== undefined) {
      const superseded = await updateEscalation(tx, id, {
        status: 'failed',
        failureReason: `the call is already being handed off by escalation ${owner}`,
        message: ctx.messages.alreadyTransferring(),
      });
      return { kind: 'superseded', escalation: superseded };
    }
    return {
      kind: 'claimed',
      escalation: await updateEscalation(tx, id, { status: 'routing' }),
      fresh: true,
    };
  });
}
