import type { TwilioStartMessage } from '@voice/shared/contracts';
import type { StartedCall } from '../calls/started-call.js';
import type { GatewayContext } from '../context.js';
import { STREAM_TOKEN_PARAMETER } from '../twiml/answer.js';
import { type StreamGrant, verifyStreamToken } from './stream-token.js';

/** Why a stream's `start` was refused (the `outcome` label of `gateway_streams_total`). */
export type StartRefusal =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'call_mismatch'
  | 'wrong_account'
  | 'replayed';

/** A `start` the stream may go on with, or why not (with the grant, once the token told it). */
export type StartCheck =
  | { ok: true; grant: StreamGrant; call: StartedCall; at: Date }
  | { ok: false; refusal: StartRefusal; grant?: StreamGrant };

/**
 * Token, call, account and first use, in that order: the token must be valid, unexpired and
 * issued for this call SID and stream, the account ours, the claim the one the call's webhook
 * was answered with (`call-answers`, which also says who the call is between), and the stream
 * the call's first: it takes the call's stream slot (`call-streams`, atomically on any gateway),
 * so a replayed token, or the token of a call that has ended, is refused. Only a `start` that
 * passes may reach a bridge.
 */
export async function checkStart(
  ctx: Pick<GatewayContext, 'config' | 'now' | 'answers' | 'streams'>,
  message: TwilioStartMessage,
): Promise<StartCheck> {
  const token = verifyStreamToken(
    ctx.config.STREAM_TOKEN_SECRET,
    message.start.customParameters[STREAM_TOKEN_PARAMETER],
    ctx.now(),
  );
  if (!token.ok) return { ok: false, refusal: token.error };
  const grant = token.value;
  if (grant.callSid !== message.start.callSid || message.streamSid !== message.start.streamSid) {
    return { ok: false, refusal: 'call_mismatch', grant };
  }
  if (message.start.accountSid !== ctx.config.TWILIO_ACCOUNT_SID) {
    return { ok: false, refusal: 'wrong_account', grant };
  }
  const answered = (await ctx.answers.read(grant.callSid))?.answer;
  if (answered?.state !== 'connected' || answered.claimId !== grant.claimId) {
    return { ok: false, refusal: 'replayed', grant };
  }
  const call: StartedCall = {
    accountSid: answered.accountSid,
    from: answered.from,
    to: answered.to,
    agentId: answered.agentId,
  };
  const taken = await ctx.streams.take(grant.callSid, {
    state: 'streaming',
    streamSid: message.streamSid,
    claimId: grant.claimId,
    bridgeId: grant.bridgeId,
    ...call,
  });
  return taken
    ? { ok: true, grant, call, at: new Date(ctx.now()) }
    : { ok: false, refusal: 'replayed', grant };
}
