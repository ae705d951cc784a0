import { z } from 'zod';
import { accountSidSchema, agentIdSchema, claimIdSchema, phoneSchema } from './ids.js';

const gatewayIdSchema = z.string().min(1).max(100);
const epochMsSchema = z.number().int().positive();

/**
 * The answer to a call's voice webhook, as every gateway instance sees it (NATS KV bucket
 * `call-answers`, key = CallSid). Twilio retries a webhook, possibly to another instance behind
 * the load balancer, and the call must still get one claim and one model session: the first
 * gateway to `create` the key owns the answer, every other attempt answers what it decided.
 *
 * - `answering`: an owner is deciding (recording, admitting, claiming a bridge) until
 *   `leaseUntil` (epoch ms). A lease that runs out is the owner's death: a retry takes over
 *   with a compare-and-set on the entry's revision.
 * - `connected`: the claim every attempt connects to; `tokenExpiresAt` makes every attempt's
 *   stream token (and so its TwiML) the same. Who the call is between (account, numbers, agent)
 *   travels with it, so the stream's start (on any gateway) needs no database read.
 * - `refused`: the polite refusal every attempt repeats.
 */
export const callAnswerSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('answering'), gatewayId: gatewayIdSchema, leaseUntil: epochMsSchema }),
  z.object({
    state: z.literal('connected'),
    gatewayId: gatewayIdSchema,
    claimId: claimIdSchema,
    bridgeId: z.string().min(1).max(100),
    tokenExpiresAt: epochMsSchema,
    accountSid: accountSidSchema,
    from: phoneSchema,
    to: phoneSchema,
    agentId: agentIdSchema,
  }),
  z.object({
    state: z.literal('refused'),
    gatewayId: gatewayIdSchema,
    /** Which message the caller heard. */
    message: z.enum(['unknown_number', 'busy']),
  }),
]);
export type CallAnswer = z.infer<typeof callAnswerSchema>;
/** An answer that is final: what the caller is told. */
export type DecidedCallAnswer = Exclude<CallAnswer, { state: 'answering' }>;
