import type { GatewayContext } from '../context.js';
import type { BridgeStopReason, LiveCall } from './live-calls.js';

/** Enough of a claim to reach its bridge and find it in the live set. */
export type ReleasableClaim = Pick<LiveCall, 'callSid' | 'claimId' | 'subjects'>;

/**
 * Lets go of a claim whose stream is not (or no longer) on this gateway: the bridge hears
 * `stop` on the claim's subjects and frees its session, and the call leaves the live set.
 */
export function releaseClaim(ctx: GatewayContext, call: ReleasableClaim, reason: BridgeStopReason): void {
  ctx.bus.sendControl(call.subjects, { type: 'stop', reason });
  ctx.liveCalls.remove(call.callSid, call.claimId);
}
