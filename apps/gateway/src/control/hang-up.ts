import type { CallControlReply, CallEndReason, CallHangUpReason } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { callControlErrorOf } from '@voice/shared/twilio';
import type { GatewayContext } from '../context.js';
import { CLOSE_NORMAL } from '../stream/close-codes.js';

/** The end reason recorded for each reason a `hang_up` command gives. */
const END_REASONS: Record<CallHangUpReason, CallEndReason> = {
  agent_ended: 'agent_ended',
  session_failed: 'session_failed',
  call_limit: 'agent_ended',
};

/**
 * The call-control `hang_up` command, through Twilio's REST API (`Status=completed`): closing
 * the media socket alone does not reliably end a `<Connect>` call. The reason is published first
 * (`call.end_requested`): the recorder keeps it over Twilio's plain `completed` that follows.
 * Should the REST call fail on a call streaming through this gateway, the stream is closed
 * instead and the fallback TwiML (an apology and `<Hangup/>`) ends the call; a call it does not
 * hold (on another gateway, or not streaming) has REST alone.
 */
export async function hangUpCommand(
  ctx: GatewayContext,
  callSid: string,
  reason: CallHangUpReason,
): Promise<CallControlReply> {
  const live = ctx.liveCalls.get(callSid);
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
