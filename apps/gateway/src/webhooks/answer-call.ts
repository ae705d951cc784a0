import { type DecidedCallAnswer, mediaSubjects, type TwilioVoiceWebhook } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import type { ClaimRef, LiveCall } from '../calls/live-calls.js';
import { releaseClaim } from '../calls/release-claim.js';
import type { GatewayContext } from '../context.js';
import { issueStreamToken } from '../stream/stream-token.js';
import { CALLER_MESSAGES, connectTwiml } from '../twiml/answer.js';
import { sayAndHangUpTwiml } from '../twiml/hang-up.js';
import { ANSWER_WAIT_MS, type AnswerRole, answerOnce, ownerLeaseMs } from './answer-once.js';
import { decideAnswer, followerDecision } from './decide-answer.js';

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
  /** Whether this attempt decided the answer or repeated another's. */
  role: AnswerRole;
}

type ConnectedAnswer = Extract<DecidedCallAnswer, { state: 'connected' }>;

/**
 * Answers Twilio's voice webhook for a call whose signature has been checked. The first attempt
 * to reach any gateway owns the call (`answerOnce`): it publishes the call's start, finds its
 * agent, admits it, claims a media-bridge (which pre-warms the model session while Twilio
 * opens the stream) and connects the stream. Every refusal is a polite message and a hang-up,
 * with the call's end published; never a silent drop.
 *
 * A retry (Twilio's, with the same `I-Twilio-Idempotency-Token`, on this gateway or another)
 * gets the owner's answer: the same claim and the same stream token, or the same refusal.
 */
export async function answerInboundCall(
  ctx: GatewayContext,
  webhook: TwilioVoiceWebhook,
): Promise<InboundAnswer> {
  const callSid = webhook.CallSid;
  const log = callLogger(ctx.logger, callSid);
  let ownerOutcome: InboundOutcome = 'connected';
  let reserved = false;
  try {
    const { answer, role } = await answerOnce(
      {
        ledger: ctx.answers,
        gatewayId: ctx.gatewayId,
        now: ctx.now,
        leaseMs: ownerLeaseMs(ctx.config),
        waitMs: ANSWER_WAIT_MS,
        logger: log,
      },
      callSid,
      {
        decide: async () => {
          const decided = await decideAnswer(ctx, webhook, () => {
            reserved = true;
          });
          ownerOutcome = decided.outcome;
          return decided.answer;
        },
        undo: (answer) => {
          if (answer.state !== 'connected') return;
          const claim = claimOf(callSid, answer);
          releaseClaim(
            ctx,
            { ...claim, subjects: mediaSubjects(callSid, claim.claimId) },
            'claim_superseded',
          );
        },
      },
    );
    const decided =
      role === 'followed' ? await followerDecision(ctx, webhook, answer) : { answer, outcome: ownerOutcome };
    return { twiml: answerTwiml(ctx, callSid, decided.answer), outcome: decided.outcome, role };
  } finally {
    if (reserved) ctx.liveCalls.unreserve();
  }
}

function claimOf(callSid: string, answer: ConnectedAnswer): ClaimRef {
  return { callSid, claimId: answer.claimId, bridgeId: answer.bridgeId };
}

/** What the caller is told: the refusal, or the stream of the claim. */
function answerTwiml(ctx: GatewayContext, callSid: string, answer: DecidedCallAnswer): string {
  if (answer.state === 'refused') {
    const message =
      answer.message === 'unknown_number' ? CALLER_MESSAGES.unknownNumber : CALLER_MESSAGES.busy;
    return sayAndHangUpTwiml(message);
  }
  return connectHeldClaim(ctx, claimOf(callSid, answer), answer.tokenExpiresAt);
}

/**
 * Holds the claim until its stream arrives and answers the connect TwiML. Every attempt of the
 * call presents the same token (same claim, same expiry), so every answer is the same. A hold
 * outlives the token by a grace period (a stream that presented the token just before it
 * expired may still be starting); then, unless the stream started (here or on another
 * gateway), the claim is released.
 */
function connectHeldClaim(ctx: GatewayContext, claim: ClaimRef, tokenExpiresAt: number): string {
  const untilExpiryMs = Math.max(0, tokenExpiresAt - ctx.now());
  ctx.liveCalls.hold(claim, untilExpiryMs + STREAM_START_GRACE_MS, (call) => {
    void releaseUnusedClaim(ctx, call);
  });
  const { callSid, claimId, bridgeId } = claim;
  const streamToken = issueStreamToken(ctx.config.STREAM_TOKEN_SECRET, {
    callSid,
    claimId,
    bridgeId,
    expiresAt: tokenExpiresAt,
  });
  return connectTwiml({ streamUrl: ctx.urls.stream, statusCallbackUrl: ctx.urls.status, streamToken });
}

/** The token has expired: release the claim, unless its stream started on another gateway. */
async function releaseUnusedClaim(ctx: GatewayContext, call: LiveCall): Promise<void> {
  const log = callLogger(ctx.logger, call.callSid, { claimId: call.claimId });
  try {
    if ((await ctx.streams.read(call.callSid))?.state === 'streaming') return;
  } catch (error) {
    // The bridge gives up on a claim whose `start` never comes; leaving it to that is safe.
    log.error({ err: error }, 'could not check the stream of an expired claim');
    return;
  }
  log.warn('media stream never arrived, releasing the claim');
  releaseClaim(ctx, call, 'stream_closed');
}
