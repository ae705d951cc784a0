import { z } from 'zod';
import { phoneSchema } from './ids.js';

/**
 * Call control as a port: what the rest of the system asks of the ingress that carries a call,
 * in an abstract vocabulary (no TwiML). Commands go to `subjects.callControl(callSid)` as NATS
 * request/reply and are always answered with a `CallControlReply`. The Twilio gateway
 * queue-subscribes to every call's subject (any instance can reach any Twilio call over REST);
 * an ingress that owns its calls (SIP, say) subscribes only to the subjects of its own calls.
 *
 * A transfer's outcomes come back the other way as questions (`subjects.transferOutcome`):
 * the human answered, the dial ended, the holding caller was polled. The one that asked for
 * the transfer answers with the whisper, or with the next instruction for the call.
 */

/** Correlates a transfer's outcomes with the hand-off that asked for it (escalation: `escalationId:attempt`). */
export const callControlRefSchema = z.string().min(1).max(300);

const spokenTextSchema = z.string().min(1).max(2_000);

/** Where a transfer rings: a phone number, or a SIP URI. */
export const transferTargetSchema = z.union([
  z.object({ phone: phoneSchema }).strict(),
  z
    .object({
      sip: z
        .string()
        .regex(/^sips?:[^\s<>"]+$/, 'a sip: or sips: URI')
        .max(500),
    })
    .strict(),
]);
export type TransferTarget = z.infer<typeof transferTargetSchema>;

/** Why the call is ended (the end reason the ingress records). */
export const callHangUpReasonSchema = z.enum(['agent_ended', 'session_failed', 'call_limit']);
export type CallHangUpReason = z.infer<typeof callHangUpReasonSchema>;

const sayAndHangUp = z.object({ type: z.literal('say_and_hang_up'), text: spokenTextSchema });

/** Ring a human; the caller hears `say` first and ringback until they answer. */
const transfer = z.object({
  type: z.literal('transfer'),
  ref: callControlRefSchema,
  to: transferTargetSchema,
  say: spokenTextSchema.optional(),
  /**
   * Played to the human alone before the bridge. Present: the ingress asks `answered` when the
   * human picks up and plays the text the reply gives (the freshest); this is the fallback.
   */
  whisper: spokenTextSchema.optional(),
  timeoutSeconds: z.number().int().min(1).max(600),
});

/** Hold the caller in a named queue with music (or pauses); the ingress reports each hold poll. */
const enqueue = z.object({
  type: z.literal('enqueue'),
  ref: callControlRefSchema,
  queue: z.string().min(1).max(200),
  say: spokenTextSchema.optional(),
});

export const callControlCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hang_up'), reason: callHangUpReasonSchema }),
  sayAndHangUp,
  transfer,
  enqueue,
]);
export type CallControlCommand = z.infer<typeof callControlCommandSchema>;

/**
 * What a call runs next when the ingress asks (a dial ended): the same vocabulary, where a
 * plain hang-up carries no reason (the ingress records how the call ended).
 */
export const callInstructionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hang_up') }),
  sayAndHangUp,
  transfer,
  enqueue,
]);
export type CallInstruction = z.infer<typeof callInstructionSchema>;

export const callControlErrorCodeSchema = z.enum([
  /** The call is not in progress (ended, or never existed): permanent. */
  'call_gone',
  /** The carrier refused the command for another reason: permanent. */
  'rejected',
  /** No ingress answered, it timed out, or the carrier is away: worth retrying. */
  'unavailable',
  /** The command did not match this contract. */
  'invalid',
]);
export type CallControlErrorCode = z.infer<typeof callControlErrorCodeSchema>;

export const callControlErrorSchema = z.object({
  code: callControlErrorCodeSchema,
  /** Plain words for logs and stored failure reasons; never personal data. */
  message: z.string().max(500),
  retryable: z.boolean(),
});
export type CallControlError = z.infer<typeof callControlErrorSchema>;

const failed = z.object({ ok: z.literal(false), error: callControlErrorSchema });

export const callControlReplySchema = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), failed]);
export type CallControlReply = z.infer<typeof callControlReplySchema>;

/** ingress → hand-off owner: the questions a transfer raises, by event (`subjects.transferOutcome`). */
export const transferOutcomeEvents = ['answered', 'dial_ended', 'held'] as const;
export type TransferOutcomeEvent = (typeof transferOutcomeEvents)[number];

/** The human picked up: reply with the whisper they hear before the bridge. */
export const transferAnsweredSchema = z.object({ ref: callControlRefSchema });
export type TransferAnswered = z.infer<typeof transferAnsweredSchema>;
export const transferAnsweredReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), whisper: spokenTextSchema }),
  failed,
]);
export type TransferAnsweredReply = z.infer<typeof transferAnsweredReplySchema>;

/** How ringing the human ended (`completed`/`answered`: they talked and the human's leg ended). */
export const dialEndStatusSchema = z.enum([
  'completed',
  'answered',
  'busy',
  'no_answer',
  'failed',
  'canceled',
]);
export type DialEndStatus = z.infer<typeof dialEndStatusSchema>;

/** The dial ended: reply with what the caller's call runs next. */
export const transferDialEndedSchema = z.object({ ref: callControlRefSchema, status: dialEndStatusSchema });
export type TransferDialEnded = z.infer<typeof transferDialEndedSchema>;
export const transferDialEndedReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), next: callInstructionSchema }),
  failed,
]);
export type TransferDialEndedReply = z.infer<typeof transferDialEndedReplySchema>;

/** The holding caller was polled (the ingress plays the hold itself): a chance to serve them. */
export const transferHeldSchema = z.object({
  ref: callControlRefSchema,
  /** 1-based place in the queue, when the ingress knows it. */
  position: z.number().int().min(0).optional(),
});
export type TransferHeld = z.infer<typeof transferHeldSchema>;
export const transferHeldReplySchema = callControlReplySchema;
export type TransferHeldReply = CallControlReply;
