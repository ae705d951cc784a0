import type { CallEndReason, DecidedCallAnswer, TwilioVoiceWebhook } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { gatewayEvents } from '../calls/call-events.js';
import { claimCall } from '../claims/claim-call.js';
import type { GatewayContext } from '../context.js';
import type { InboundOutcome } from './answer-call.js';

type RefusalMessage = Extract<DecidedCallAnswer, { state: 'refused' }>['message'];

/** What the owner decided, and the `outcome` label it is counted under. */
export interface OwnerDecision {
  answer: DecidedCallAnswer;
  outcome: InboundOutcome;
}

/**
 * The owner's decision: find the call's agent, admit it and claim a bridge, or refuse. The call's
 * record is the recorder's, from the `call.started` (and any `call.ended`) published here.
 * `onReserved` is told when a live-call slot was reserved (the caller gives it back once the
 * claim is held).
 */
export async function decideAnswer(
  ctx: GatewayContext,
  webhook: TwilioVoiceWebhook,
  onReserved: () => void,
): Promise<OwnerDecision> {
  const callSid = webhook.CallSid;
  const log = callLogger(ctx.logger, callSid);
  const agentId = (await ctx.agents.findAgentForNumber(webhook.To)) ?? null;
  // A webhook replayed after its call ended (its answer long expired) is refused, never claimed again.
  if ((await ctx.streams.read(callSid))?.state === 'ended') {
    return { answer: refused(ctx, agentId === null ? 'unknown_number' : 'busy'), outcome: 'retry_refused' };
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
    return { answer: refused(ctx, 'unknown_number'), outcome: 'unknown_number' };
  }
  if (ctx.isDraining() || !ctx.liveCalls.reserve()) {
    const outcome = ctx.isDraining() ? 'draining' : 'busy';
    log.warn({ live: ctx.liveCalls.size, outcome }, 'call refused: gateway at capacity');
    await endCall(ctx, callSid, 'over_capacity');
    return { answer: refused(ctx, 'busy'), outcome };
  }
  onReserved();
  return claimBridge(ctx, webhook, agentId);
}

/** Claims a bridge for an admitted call (its slot reserved), or refuses. */
async function claimBridge(
  ctx: GatewayContext,
  webhook: TwilioVoiceWebhook,
  agentId: string,
): Promise<OwnerDecision> {
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
    return { answer: refused(ctx, 'busy'), outcome: 'no_bridge' };
  }
  log.info({ claimId: claimed.claim.claimId, bridgeId: claimed.claim.bridgeId }, 'call claimed');
  const answer: DecidedCallAnswer = {
    state: 'connected',
    gatewayId: ctx.gatewayId,
    ...claimed.claim,
    tokenExpiresAt: ctx.now() + ctx.config.STREAM_TOKEN_TTL_MS,
    accountSid: webhook.AccountSid,
    from: webhook.From,
    to: webhook.To,
    agentId,
  };
  return { answer, outcome: 'connected' };
}

/**
 * What a retry repeats: the owner's answer, unless it connected a call that has ended since
 * (a replayed webhook) and is no longer held here; that gets the refusal the first attempt of
 * an ended call gets, never a claim that is long gone.
 */
export async function followerDecision(
  ctx: GatewayContext,
  webhook: TwilioVoiceWebhook,
  answer: DecidedCallAnswer,
): Promise<OwnerDecision> {
  if (answer.state === 'refused') return { answer, outcome: 'retry_refused' };
  if (ctx.liveCalls.get(webhook.CallSid)) return { answer, outcome: 'retry_connected' };
  // Whichever gateway Twilio's status callback reached closed the call's stream slot.
  if ((await ctx.streams.read(webhook.CallSid))?.state !== 'ended')
    return { answer, outcome: 'retry_connected' };
  return { answer: refused(ctx, 'busy'), outcome: 'retry_refused' };
}

function refused(ctx: GatewayContext, message: RefusalMessage): DecidedCallAnswer {
  return { state: 'refused', gatewayId: ctx.gatewayId, message };
}

/** The gateway refused the call: Twilio's status callback follows once the caller heard why. */
async function endCall(ctx: GatewayContext, callSid: string, reason: CallEndReason): Promise<void> {
  ctx.events.publish(gatewayEvents.callEnded(new Date(ctx.now()), callSid, reason));
  await ctx.streams.close(callSid);
}
