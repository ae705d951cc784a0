import { releaseClaim } from '../calls/release-claim.js';
import type { GatewayContext } from '../context.js';
import { CLOSE_GOING_AWAY } from '../stream/close-codes.js';

/**
 * The gateway's part of shutdown, once new calls are refused: live calls get `timeoutMs` to end
 * on their own; then remaining streams are closed (Twilio runs the fallback TwiML: an apology
 * and a hang-up) and claims still waiting for their stream are released.
 */
export async function drainLiveCalls(ctx: GatewayContext, timeoutMs: number): Promise<void> {
  const empty = await ctx.liveCalls.whenEmpty(timeoutMs);
  if (empty) return;
  const remaining = ctx.liveCalls.all();
  ctx.logger.warn({ live: remaining.length }, 'drain deadline passed, closing the remaining calls');
  for (const call of remaining) {
    if (call.stream) call.stream.end('stream_closed', CLOSE_GOING_AWAY);
    else releaseClaim(ctx, call, 'stream_closed');
  }
}
