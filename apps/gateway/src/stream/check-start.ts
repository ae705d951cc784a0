import type { TwilioStartMessage } from '@voice/shared/contracts';
import type { StartedCall } from '../calls/call-store.js';
import type { GatewayContext } from '../context.js';
import { STREAM_TOKEN_PARAMETER } from '../webhooks/answer-twiml.js';
import { type StreamTokenClaims, verifyStreamToken } from './stream-token.js';

/** Why a stream's `start` was refused (the `outcome` label of `gateway_streams_total`). */
export type StartRefusal =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'call_mismatch'
  | 'wrong_account'
  | 'replayed';

/** A `start` the stream may go on with, or why not (with the claim, once the token told it). */
export type StartCheck =
  | { ok: true; claim: StreamTokenClaims; call: StartedCall; at: Date }
  | { ok: false; refusal: StartRefusal; claim?: StreamTokenClaims };

/**
 * Token, call, account and first use, in that order: the token must be valid, unexpired and
 * issued for this call SID and stream, the account ours, and the stream the call's first
 * (`calls.stream_started_at`, set atomically here), so a replayed token is refused on any
 * gateway. Only a `start` that passes may reach a bridge.
 */
export async function checkStart(ctx: GatewayContext, message: TwilioStartMessage): Promise<StartCheck> {
  const token = verifyStreamToken(
    ctx.config.STREAM_TOKEN_SECRET,
    message.start.customParameters[STREAM_TOKEN_PARAMETER],
    ctx.now(),
  );
  if (!token.ok) return { ok: false, refusal: token.error };
  const claim = token.value;
  if (claim.callSid !== message.start.callSid || message.streamSid !== message.start.streamSid) {
    return { ok: false, refusal: 'call_mismatch', claim };
  }
  if (message.start.accountSid !== ctx.config.TWILIO_ACCOUNT_SID) {
    return { ok: false, refusal: 'wrong_account', claim };
  }
  const at = new Date(ctx.now());
  const call = await ctx.store.markStreamStarted({
    callSid: claim.callSid,
    streamSid: message.streamSid,
    bridgeId: claim.bridgeId,
    at,
  });
  return call ? { ok: true, claim, call, at } : { ok: false, refusal: 'replayed', claim };
}
