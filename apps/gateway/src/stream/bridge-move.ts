import type { Logger } from '@voice/shared/logging';
import type { LiveCall } from '../calls/live-calls.js';
import type { StartedCall } from '../calls/started-call.js';
import { claimCall, type HeldClaim } from '../claims/claim-call.js';
import type { GatewayContext } from '../context.js';

/** Why a live call moves to another bridge (`CallClaimRequest.resume.reason`). */
export type MoveReason = 'bridge_lost' | 'bridge_draining';

/** Most moves of one call: a call that takes every bridge down with it must not bounce forever. */
export const MAX_BRIDGE_MOVES = 3;
/**
 * Claim requests a move makes at least. A hung bridge stays in the claim queue group (NATS only
 * drops it when its pings go unanswered, minutes later) and times out the requests it is
 * handed; a live call is worth a few more tries than a new one before it is given up.
 */
const MOVE_CLAIM_ATTEMPTS = 6;

export interface MoveRequest {
  live: LiveCall;
  /** Who the call is between, as recorded when its stream started. */
  call: StartedCall;
  streamSid: string;
  reason: MoveReason;
  /** Moves this stream has made before this one. */
  previousMoves: number;
  log: Logger;
}

/**
 * Claims the live call from another bridge: a fresh claim id (new media subjects, so the old
 * bridge can never talk into the call again), `resume` with the reason and the previous claim,
 * and the stream SID, which the new bridge needs to restore the conversation rather than greet.
 * Undefined when no bridge takes it, or the call has moved too often.
 */
export async function claimAnotherBridge(
  ctx: GatewayContext,
  request: MoveRequest,
): Promise<HeldClaim | undefined> {
  const { live, call, reason, log } = request;
  const count = (outcome: string) => ctx.metrics.bridgeMoves.inc({ reason, outcome });
  if (request.previousMoves >= MAX_BRIDGE_MOVES) {
    log.error({ moves: request.previousMoves }, 'call moved too often, giving up');
    count('too_many');
    return undefined;
  }
  const claimed = await claimCall(
    {
      callSid: live.callSid,
      streamSid: request.streamSid,
      accountSid: call.accountSid,
      agentId: call.agentId,
      from: call.from,
      to: call.to,
      gatewayId: ctx.gatewayId,
      resume: { reason, previousClaimId: live.claimId },
    },
    {
      attempts: Math.max(ctx.config.CLAIM_ATTEMPTS, MOVE_CLAIM_ATTEMPTS),
      timeoutMs: ctx.config.CLAIM_TIMEOUT_MS,
      bus: ctx.bus,
      metrics: ctx.metrics,
      logger: log,
    },
  );
  if (!claimed.ok) {
    log.error({ failure: claimed.failure, reason }, 'no media bridge took the live call');
    count('no_bridge');
    return undefined;
  }
  count('moved');
  return claimed.claim;
}
