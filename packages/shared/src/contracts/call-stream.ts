import { z } from 'zod';
import { accountSidSchema, agentIdSchema, claimIdSchema, phoneSchema, streamSidSchema } from './ids.js';

/**
 * A call's one media stream, as every gateway instance sees it (NATS KV bucket `call-streams`,
 * key = CallSid). The first `start` to `create` the key owns the call's stream: a stream token
 * presented again, on any gateway, finds the key taken and is refused as replayed. The call's
 * end closes the slot (`ended`), so a token of a call that is over is refused too, and a
 * webhook replayed after the end is refused rather than claimed again.
 *
 * - `streaming`: the stream that took the slot, its bridge, and who the call is between (what
 *   claiming another bridge for it needs).
 * - `ended`: Twilio said the call is over, or the gateway refused it.
 */
export const callStreamSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('streaming'),
    streamSid: streamSidSchema,
    claimId: claimIdSchema,
    bridgeId: z.string().min(1).max(100),
    accountSid: accountSidSchema,
    from: phoneSchema,
    to: phoneSchema,
    agentId: agentIdSchema,
  }),
  z.object({ state: z.literal('ended') }),
]);
export type CallStream = z.infer<typeof callStreamSchema>;
/** The slot taken by a stream. */
export type StreamingCall = Extract<CallStream, { state: 'streaming' }>;
