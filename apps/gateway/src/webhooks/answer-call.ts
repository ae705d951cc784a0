import type { CallEndReason, TwilioVoiceWebhook } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { gatewayEvents } from '../calls/call-events.js';
import type { CallSnapshot } from '../calls/call-store.js';
import type { ClaimRef, LiveCall } from '../calls/live-calls.js';
import { releaseClaim } from '../calls/release-claim.js';
import { claimCall } from '../claims/claim-call.js';
import type { GatewayContext } from '../context.js';
import { issueStreamToken } from '../stream/stream-token.js';
import { CALLER_MESSAGES, connectTwiml, sayAndHangUpTwiml } from './twiml.js';

/** How long a hold outlives its stream token: a stream verified just before expiry may still be starting. */
const STREAM_START_GRACE_MS = 2_000;

/** How the inbound webhook was answered (the `outcome` label of `gateway_webhooks_total`). */
export type InboundOutcome =
  | 'connected'
  | 'retry_connected'
  | 'retry_refused'
  | 'unknown_number'
  | 'busy'
  | 'no_bridge'
  | 'draining';

export interface InboundAnswer {
  twiml: string;
  outcome: InboundOutcome;
}

/**
 * Answers Twilio's voice webhook for a call whose signature has been checked: record the call,
 * find its agent, admit it, claim a media-bridge (which pre-warms the model session while
 * Twilio opens the stream) and connect the stream. Every refusal is a polite message and a
 * hang-up, with the call's end recorded; never a silent drop.
 *
 * Idempotent on the call SID: a retry of a call this gateway holds gets the same claim (with a
 * fresh token), a retry of a refused call gets the same refusal, and no second claim is made.
 */
export async function answerInboundCall(
  ctx: GatewayContext,
  webhook: TwilioVoiceWebhook,
): Promise<InboundAnswer> {
  const callSid = webhook.CallSid;
  const log = callLogger(ctx.logger, callSid);
  const held = ctx.liveCalls.get(callSid);
  if (held) return { twiml: connectHeldClaim(ctx, held), outcome: 'retry_connected' };

  const agentId = (await ctx.store.findAgentForNumber(webhook.To)) ?? null;
  const recorded = await ctx.store.recordCall({
    callSid,
    accountSid: webhook.AccountSid,
    from: webhook.From,
    to: webhook.To,
    agentId,
    startedAt: new Date(ctx.now()),
  });
  if (!recorded.created && recorded.call.status === 'ended') {
    return { twiml: refusalFor(recorded.call), outcome: 'retry_refused' };
  }
  ctx.events.publish(
    gatewayEvents.callStarted(new Date(ctx.now()), {
      callSid,
      accountSid: webhook.AccountSid,
      from: webhook.From,
      to: webhook.To,
      agentId,
    }),
  );

  if (agentId === null) {
    log.info({ to: webhook.To }, 'no agent answers the dialled number');
    await endCall(ctx, callSid, 'unknown_number');
    return { twiml: sayAndHangUpTwiml(CALLER_MESSAGES.unknownNumber), outcome: 'unknown_number' };
  }
  if (ctx.isDraining() || !ctx.liveCalls.reserve()) {
    const outcome = ctx.isDraining() ? 'draining' : 'busy';
    log.warn({ live: ctx.liveCalls.size, outcome }, 'call refused: gateway at capacity');
    await endCall(ctx, callSid, 'over_capacity');
    return { twiml: sayAndHangUpTwiml(CALLER_MESSAGES.busy), outcome };
  }
  try {
    return await claimAndConnect(ctx, webhook, agentId);
  } finally {
    ctx.liveCalls.unreserve();
  }
}

/** Claims a bridge for an admitted call (its slot reserved) and connects the stream, or refuses. */
async function claimAndConnect(
  ctx: GatewayContext,
  webhook: TwilioVoiceWebhook,
  agentId: string,
): Promise<InboundAnswer> {
  const callSid = webhook.CallSid;
  const log = callLogger(ctx.logger, callSid);
  const claimed = await claimCall(
    {
      callSid,
      accountSid: webhook.AccountSid,
      agentId,
      from: webhook.From,
      to: webhook.To,
      gatewayId: ctx.gatewayId,
    },
    {
      attempts: ctx.config.CLAIM_ATTEMPTS,
      timeoutMs: ctx.config.CLAIM_TIMEOUT_MS,
      bus: ctx.bus,
      metrics: ctx.metrics,
      logger: log,
    },
  );
  if (!claimed.ok) {
    log.warn({ failure: claimed.failure }, 'call refused: no media-bridge took it');
    await endCall(ctx, callSid, 'over_capacity');
    return { twiml: sayAndHangUpTwiml(CALLER_MESSAGES.busy), outcome: 'no_bridge' };
  }
  log.info({ claimId: claimed.claim.claimId, bridgeId: claimed.claim.bridgeId }, 'call claimed');
  return { twiml: connectHeldClaim(ctx, { callSid, ...claimed.claim }), outcome: 'connected' };
}

/**
 * Holds the claim until its stream arrives and answers the connect TwiML. A hold outlives its
 * token by a grace period (a stream that presented the token just before it expired may still be
 * starting); then, unless the stream started (here or on another gateway), the claim is released.
 */
function connectHeldClaim(ctx: GatewayContext, claim: ClaimRef): string {
  const ttlMs = ctx.config.STREAM_TOKEN_TTL_MS;
  ctx.liveCalls.hold(claim, ttlMs + STREAM_START_GRACE_MS, (call) => {
    void releaseUnusedClaim(ctx, call);
  });
  const streamToken = issueStreamToken(ctx.config.STREAM_TOKEN_SECRET, {
    callSid: claim.callSid,
    claimId: claim.claimId,
    bridgeId: claim.bridgeId,
    expiresAt: ctx.now() + ttlMs,
  });
  return connectTwiml({ streamUrl: ctx.urls.stream, statusCallbackUrl: ctx.urls.status, streamToken });
}

/** The token has expired: release the claim, unless its stream started on another gateway. */
async function releaseUnusedClaim(ctx: GatewayContext, call: LiveCall): Promise<void> {
  const log = callLogger(ctx.logger, call.callSid, { claimId: call.claimId });
  try {
    if (await ctx.store.hasStreamStarted(call.callSid)) return;
  } catch (error) {
    // The bridge gives up on a claim whose `start` never comes; leaving it to that is safe.
    log.error({ err: error }, 'could not check the stream of an expired claim');
    return;
  }
  log.warn('media stream never arrived, releasing the claim');
  releaseClaim(ctx, call, 'stream_closed');
}

async function endCall(ctx: GatewayContext, callSid: string, reason: CallEndReason): Promise<void> {
  const at = new Date(ctx.now());
  await ctx.store.markEnded({ callSid, reason, at });
  ctx.events.publish(gatewayEvents.callEnded(at, callSid, reason));
}

/** The same refusal a retried webhook got the first time. */
function refusalFor(call: CallSnapshot): string {
  const message = call.endReason === 'unknown_number' ? CALLER_MESSAGES.unknownNumber : CALLER_MESSAGES.busy;
  return sayAndHangUpTwiml(message);
}
