import type { CallControlReply, CallEndReason, MediaOutControl } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { callControlErrorOf } from '@voice/shared/twilio';
import type { LiveCall } from '../calls/live-calls.js';
import type { GatewayContext } from '../context.js';
import { CLOSE_NORMAL } from '../stream/close-codes.js';

type HangupReason = Extract<MediaOutControl, { type: 'hangup' }>['reason'];

/** The end reason recorded for each reason a bridge gives for hanging up. */
const END_REASONS: Record<HangupReason, CallEndReason> = {
  agent_ended: 'agent_ended',
  session_failed: 'session_failed',
  call_limit: 'agent_ended',
};

/**
 * Ends a live call through Twilio's REST API (`Status=completed`): closing the media socket
 * alone does not reliably end a `<Connect>` call. The reason is published first
 * (`call.end_requested`): the recorder keeps it over Twilio's plain `completed` that follows.
 * Should the REST call fail, the stream is closed instead, and the fallback TwiML (an apology
 * and `<Hangup/>`) ends the call.
 */
export async function hangUpCall(ctx: GatewayContext, live: LiveCall, reason: HangupReason): Promise<void> {
  await endCall(ctx, live.callSid, live, reason);
}

/**
 * The call-control `hang_up` command: a call streaming through this gateway ends as a bridge's
 * hang-up does; one it does not hold (on another gateway, or not streaming) through REST alone.
 */
export function hangUpCommand(
  ctx: GatewayContext,
  callSid: string,
  reason: HangupReason,
): Promise<CallControlReply> {
  return endCall(ctx, callSid, ctx.liveCalls.get(callSid), reason);
}

async function endCall(
  ctx: GatewayContext,
  callSid: string,
  live: LiveCall | undefined,
  reason: HangupReason,
): Promise<CallControlReply> {
  const log = callLogger(ctx.logger, callSid, live ? { claimId: live.claimId } : {});
  if (live) live.stopReason = 'call_ended';
  ctx.endRequests.request(callSid, END_REASONS[reason]);
  try {
    await ctx.callControl.hangup(callSid);
    log.info({ reason }, 'hung up through the Twilio REST API');
    return { ok: true };
  } catch (error) {
    if (!live?.stream) {
      log.error({ err: error }, 'hang-up through the Twilio REST API failed');
      return { ok: false, error: callControlErrorOf(error) };
    }
    log.error({ err: error }, 'hang-up through the Twilio REST API failed, closing the stream instead');
    live.stream.end('call_ended', CLOSE_NORMAL);
    return { ok: true };
  }
}
