import { z } from 'zod';
import {
  accountSidSchema,
  agentIdSchema,
  callSidSchema,
  claimIdSchema,
  isoDateTimeSchema,
  phoneSchema,
  streamSidSchema,
  toolCallIdSchema,
  toolNameSchema,
} from './ids.js';
import { toolErrorSchema } from './tools.js';

/**
 * Call events: everything that happens on a call, published to JetStream on
 * `subjects.callEvents(callSid)` with `eventId` as the message id, so a retried publish is
 * stored once and the recorder can apply each event exactly once.
 */
const envelope = {
  /** Unique and deterministic where the event is (`${callSid}:ended`): retries dedupe. */
  eventId: z.string().min(1).max(200),
  callSid: callSidSchema,
  at: isoDateTimeSchema,
  source: z.enum(['gateway', 'media-bridge', 'escalation', 'tool-runner', 'recorder']),
};

export const callEndReasonSchema = z.enum([
  'completed',
  'caller_hangup',
  'agent_ended',
  'transferred',
  'busy',
  'no_answer',
  'failed',
  'canceled',
  'unknown_number',
  'over_capacity',
  'bridge_failed',
  'session_failed',
]);
export type CallEndReason = z.infer<typeof callEndReasonSchema>;

export const callStartedSchema = z.object({
  ...envelope,
  type: z.literal('call.started'),
  accountSid: accountSidSchema,
  from: phoneSchema,
  to: phoneSchema,
  /** null when no agent answers the dialled number (the call is then refused politely). */
  agentId: agentIdSchema.nullable(),
});

/** The media stream is up and a bridge holds the call: the call is answered. */
export const streamStartedSchema = z.object({
  ...envelope,
  type: z.literal('stream.started'),
  streamSid: streamSidSchema,
  claimId: claimIdSchema,
  bridgeId: z.string(),
  resumed: z.boolean(),
});

export const streamEndedSchema = z.object({
  ...envelope,
  type: z.literal('stream.ended'),
  streamSid: streamSidSchema,
  reason: z.string().max(100),
});

/** One turn of the conversation, as heard: an interrupted agent turn carries only what played. */
export const transcriptTurnSchema = z.object({
  ...envelope,
  type: z.literal('transcript.turn'),
  /** The model's item id; orders and dedupes turns. */
  itemId: z.string().min(1).max(100),
  role: z.enum(['caller', 'agent']),
  text: z.string().max(20_000),
  interrupted: z.boolean(),
  /** Milliseconds of agent audio the caller heard (agent turns). */
  heardMs: z.number().nonnegative().optional(),
  startedAt: isoDateTimeSchema.optional(),
});

export const toolInvokedSchema = z.object({
  ...envelope,
  type: z.literal('tool.invoked'),
  toolCallId: toolCallIdSchema,
  name: toolNameSchema,
  arguments: z.unknown(),
});

export const toolCompletedSchema = z.object({
  ...envelope,
  type: z.literal('tool.completed'),
  toolCallId: toolCallIdSchema,
  name: toolNameSchema,
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: toolErrorSchema.optional(),
  latencyMs: z.number().nonnegative(),
});

/** Model usage of one response (from `response.done`). */
export const usageSchema = z.object({
  ...envelope,
  type: z.literal('usage'),
  responseId: z.string().min(1).max(100),
  inputTextTokens: z.number().int().nonnegative(),
  inputAudioTokens: z.number().int().nonnegative(),
  inputCachedTokens: z.number().int().nonnegative(),
  outputTextTokens: z.number().int().nonnegative(),
  outputAudioTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});

export const latencyKindSchema = z.enum([
  /** webhook received → first greeting audio sent to the gateway */
  'setup',
  /** caller stopped speaking → first agent audio sent to the gateway */
  'turn',
  /** speech started at the model → `clear` sent to the gateway */
  'barge_in',
  /** tool request → tool reply, as the bridge saw it */
  'tool',
  /** model socket lost → new session ready */
  'session_restore',
]);

export const latencySchema = z.object({
  ...envelope,
  type: z.literal('latency'),
  kind: latencyKindSchema,
  valueMs: z.number().nonnegative(),
  itemId: z.string().max(100).optional(),
});

export const dtmfSchema = z.object({
  ...envelope,
  type: z.literal('dtmf'),
  digit: z.string().regex(/^[0-9*#A-D]$/),
});

/** A fresh model session took over the conversation (socket drop, session cap, failover). */
export const sessionRestoredSchema = z.object({
  ...envelope,
  type: z.literal('session.restored'),
  reason: z.enum(['socket_dropped', 'session_cap', 'bridge_lost', 'bridge_draining']),
  bridgeId: z.string(),
});

/**
 * The bridge gave the call up because its model session could not go on, and why: the agent
 * profile is not one the API accepts (the field), the API refused the configuration (its code,
 * param and message), or the model could not be reached or restored. The caller hears the
 * gateway's fallback apology.
 */
export const sessionFailedSchema = z.object({
  ...envelope,
  type: z.literal('session.failed'),
  reason: z.enum(['invalid_profile', 'session_config_rejected', 'model_unreachable', 'model_lost']),
  code: z.string().max(100).nullable().optional(),
  param: z.string().max(200).nullable().optional(),
  message: z.string().max(1_000).optional(),
});

/**
 * The gateway asked for the call to end (a hang-up through Twilio's REST API, or the stream
 * closed so the fallback apologises and hangs up), and why. Twilio's own word on the end comes
 * later as `call.ended`, possibly through another gateway; the recorder settles the reason.
 */
export const callEndRequestedSchema = z.object({
  ...envelope,
  type: z.literal('call.end_requested'),
  reason: callEndReasonSchema,
});

export const callEndedSchema = z.object({
  ...envelope,
  type: z.literal('call.ended'),
  reason: callEndReasonSchema,
  /** Twilio's CallDuration, when the end came from its status callback. */
  durationSeconds: z.number().int().nonnegative().optional(),
});

export const callEventSchema = z.discriminatedUnion('type', [
  callStartedSchema,
  streamStartedSchema,
  streamEndedSchema,
  transcriptTurnSchema,
  toolInvokedSchema,
  toolCompletedSchema,
  usageSchema,
  latencySchema,
  dtmfSchema,
  sessionRestoredSchema,
  sessionFailedSchema,
  callEndRequestedSchema,
  callEndedSchema,
]);

export type CallEvent = z.infer<typeof callEventSchema>;
export type CallEventType = CallEvent['type'];
export type CallEventOf<T extends CallEventType> = Extract<CallEvent, { type: T }>;
