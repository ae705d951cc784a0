import { z } from 'zod';
import {
  accountSidSchema,
  agentIdSchema,
  callSidSchema,
  claimIdSchema,
  isoDateTimeSchema,
  phoneSchema,
  streamSidSchema,
} from './ids.js';

/**
 * gateway → media-bridge pool (`subjects.callClaim`, queue group `media-bridge`): "take this
 * call". A bridge with room answers `accepted`; a full or draining bridge declines and the
 * gateway asks again (another instance) or answers busy.
 *
 * The gateway claims while answering the webhook, before Twilio opens the media stream, so
 * the bridge can open the model session during the stream set-up (pre-warm). The media
 * stream's `start` then reaches the bridge as a `start` control message on the claim's subjects.
 */
export const callClaimRequestSchema = z.object({
  callSid: callSidSchema,
  claimId: claimIdSchema,
  /** Known on a re-claim of a live call (failover, drain); absent on the first claim. */
  streamSid: streamSidSchema.optional(),
  accountSid: accountSidSchema,
  agentId: agentIdSchema,
  from: phoneSchema,
  to: phoneSchema,
  gatewayId: z.string().min(1).max(100),
  /** Set when a live call moves to a new bridge (failover, drain): restore, do not greet again. */
  resume: z
    .object({
      reason: z.enum(['bridge_lost', 'bridge_draining']),
      previousClaimId: claimIdSchema,
    })
    .optional(),
  requestedAt: isoDateTimeSchema,
});
export type CallClaimRequest = z.infer<typeof callClaimRequestSchema>;

export const claimDeclineReasonSchema = z.enum(['at_capacity', 'draining', 'unknown_agent', 'error']);

export const callClaimReplySchema = z.discriminatedUnion('accepted', [
  z.object({ accepted: z.literal(true), bridgeId: z.string().min(1), claimId: claimIdSchema }),
  z.object({
    accepted: z.literal(false),
    bridgeId: z.string().min(1),
    reason: claimDeclineReasonSchema,
    message: z.string().optional(),
  }),
]);
export type CallClaimReply = z.infer<typeof callClaimReplySchema>;
