import { z } from 'zod';
import { agentIdSchema, callSidSchema, isoDateTimeSchema, phoneSchema, toolCallIdSchema } from './ids.js';

/**
 * media-bridge → escalation worker on JetStream (`subjects.escalationRequested`), message id =
 * `escalationId`, so the model asking twice in one tool call never transfers twice.
 */
export const escalationPrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);

export const escalationRequestedSchema = z.object({
  /** `${callSid}:${toolCallId}`: deterministic, the de-duplication key end to end. */
  escalationId: z.string().min(1).max(200),
  callSid: callSidSchema,
  toolCallId: toolCallIdSchema,
  agentId: agentIdSchema,
  caller: phoneSchema,
  reason: z.string().min(1).max(500),
  summary: z.string().min(1).max(4_000),
  priority: escalationPrioritySchema,
  /** Skills the human must have (all of them), on top of the agent profile's queue. */
  skills: z.array(z.string().min(1).max(50)).max(20).optional(),
  /** The conversation so far, as heard, for the human's screen. */
  transcript: z
    .array(
      z.object({ role: z.enum(['caller', 'agent']), text: z.string().max(20_000), at: isoDateTimeSchema }),
    )
    .max(500),
  requestedAt: isoDateTimeSchema,
});
export type EscalationRequested = z.infer<typeof escalationRequestedSchema>;

export const escalationStatusValueSchema = z.enum([
  'received',
  'routing',
  /** Twilio is ringing a human (the caller hears hold audio). */
  'dialing',
  'connected',
  'no_answer',
  /** Nobody free: the caller waits in a queue with updates. */
  'queued',
  /** Nobody free: a human will call back; `message` says when. */
  'callback_scheduled',
  'failed',
  'resolved',
]);
export type EscalationStatusValue = z.infer<typeof escalationStatusValueSchema>;

/** escalation worker → bridge and recorder (`subjects.escalationStatus(callSid)`, JetStream). */
export const escalationStatusSchema = z.object({
  eventId: z.string().min(1).max(200),
  escalationId: z.string().min(1).max(200),
  callSid: callSidSchema,
  status: escalationStatusValueSchema,
  humanAgentId: z.string().max(100).optional(),
  humanName: z.string().max(200).optional(),
  /** What the agent may tell the caller, in plain words. */
  message: z.string().max(1_000).optional(),
  at: isoDateTimeSchema,
});
export type EscalationStatus = z.infer<typeof escalationStatusSchema>;

/**
 * media-bridge → escalation worker (`subjects.escalationAnnounced(callSid)`, JetStream
 * `ESCALATIONS`, message id `${escalationId}:announced`): the caller has heard the agent's
 * hand-off line: it played to its last mark, or the caller cut in. A REST `calls(sid).update` replaces the call's
 * TwiML at once and drops the stream's unplayed audio (PROTOCOLS.md, corrections of
 * 2026-12-02), so the worker moves the call only after this, or after its bound.
 */
export const escalationAnnouncedSchema = z.object({
  escalationId: z.string().min(1).max(200),
  callSid: callSidSchema,
  at: isoDateTimeSchema,
});
export type EscalationAnnounced = z.infer<typeof escalationAnnouncedSchema>;
