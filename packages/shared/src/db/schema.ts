import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { TurnDetection } from './agent-profile.js';

/**
 * The whole database. One file so drizzle-kit sees every table at once; every change here
 * needs a committed migration (`npm run db:generate`), and a test fails when one is missing.
 */
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });

export type { TurnDetection } from './agent-profile.js';

/** Who answers a dialled number, and how. */
export const agentProfiles = pgTable(
  'agent_profiles',
  {
    id: text('id').primaryKey(),
    /** The Twilio number (E.164) this agent answers. */
    phoneNumber: text('phone_number').notNull(),
    name: text('name').notNull(),
    instructions: text('instructions').notNull(),
    voice: text('voice').notNull().default('alloy'),
    greeting: text('greeting').notNull(),
    /** Tool names this agent may call; the bridge offers the ones a worker serves right now. */
    allowedTools: text('allowed_tools').array().notNull().default(sql`'{}'::text[]`),
    escalationQueue: text('escalation_queue').notNull().default('general'),
    /** When no human is free: hold the caller in a queue, or take a call-back request. */
    escalationFallback: text('escalation_fallback')
      .$type<'queue' | 'callback'>()
      .notNull()
      .default('callback'),
    turnDetection: jsonb('turn_detection').$type<TurnDetection>().notNull().default({ type: 'server_vad' }),
    noiseReduction: text('noise_reduction').$type<'near_field' | 'far_field'>(),
    transcriptionModel: text('transcription_model').notNull().default('gpt-4o-mini-transcribe'),
    language: text('language').notNull().default('en'),
    /** Say a short filler line when a tool takes longer than this (ms); null turns it off. */
    toolFillerAfterMs: integer('tool_filler_after_ms').default(1_500),
    /** Hard limit of a call; the agent wraps up before it. */
    maxCallSeconds: integer('max_call_seconds').notNull().default(3_600),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('agent_profiles_phone_number_uq').on(t.phoneNumber)],
);

/** One row per inbound call, keyed by Twilio's call SID. */
export const calls = pgTable(
  'calls',
  {
    callSid: text('call_sid').primaryKey(),
    accountSid: text('account_sid').notNull(),
    fromNumber: text('from_number').notNull(),
    toNumber: text('to_number').notNull(),
    /** Not a foreign key: a call's record outlives the agent profile that answered it. */
    agentId: text('agent_id'),
    status: text('status').$type<'ringing' | 'in_progress' | 'ended'>().notNull().default('ringing'),
    endReason: text('end_reason'),
    startedAt: at('started_at').notNull(),
    answeredAt: at('answered_at'),
    endedAt: at('ended_at'),
    durationMs: integer('duration_ms'),
    bridgeId: text('bridge_id'),
    streamSid: text('stream_sid'),
    /** Set once, when the first media stream presents its token: a second stream is a replay. */
    streamStartedAt: at('stream_started_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('calls_started_at_idx').on(t.startedAt),
    index('calls_from_number_idx').on(t.fromNumber),
    index('calls_to_number_idx').on(t.toNumber),
    index('calls_end_reason_idx').on(t.endReason),
  ],
);

/** Every call event as received: the recorder's idempotency key and an audit trail. */
export const callEvents = pgTable(
  'call_events',
  {
    eventId: text('event_id').primaryKey(),
    callSid: text('call_sid').notNull(),
    type: text('type').notNull(),
    at: at('at').notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: createdAt(),
  },
  (t) => [index('call_events_call_sid_idx').on(t.callSid, t.at)],
);

/** What was said, as heard: an interrupted agent turn keeps only what played. */
export const transcriptTurns = pgTable(
  'transcript_turns',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    itemId: text('item_id').notNull(),
    role: text('role').$type<'caller' | 'agent'>().notNull(),
    text: text('text').notNull(),
    interrupted: boolean('interrupted').notNull().default(false),
    heardMs: integer('heard_ms'),
    startedAt: at('started_at'),
    at: at('at').notNull(),
  },
  (t) => [
    uniqueIndex('transcript_turns_item_uq').on(t.callSid, t.itemId),
    index('transcript_turns_call_idx').on(t.callSid, t.at),
  ],
);

/** Every tool call: written by the worker that ran it and completed by the recorder. */
export const toolInvocations = pgTable(
  'tool_invocations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    /** The model's call id: with the call SID, the idempotency key of the invocation. */
    toolCallId: text('tool_call_id').notNull(),
    name: text('name').notNull(),
    arguments: jsonb('arguments'),
    status: text('status').$type<'running' | 'ok' | 'error'>().notNull().default('running'),
    result: jsonb('result'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    latencyMs: integer('latency_ms'),
    workerId: text('worker_id'),
    startedAt: at('started_at').notNull().defaultNow(),
    completedAt: at('completed_at'),
  },
  (t) => [uniqueIndex('tool_invocations_call_uq').on(t.callSid, t.toolCallId)],
);

/** Model usage per response. */
export const callUsage = pgTable(
  'call_usage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    callSid: text('call_sid').notNull(),
    responseId: text('response_id').notNull(),
    inputTextTokens: integer('input_text_tokens').notNull(),
    inputAudioTokens: integer('input_audio_tokens').notNull(),
    inputCachedTokens: integer('input_cached_tokens').notNull(),
    outputTextTokens: integer('output_text_tokens').notNull(),
    outputAudioTokens: integer('output_audio_tokens').notNull(),
    totalTokens: integer('total_tokens').notNull(),
    at: at('at').notNull(),
  },
  (t) => [uniqueIndex('call_usage_event_uq').on(t.eventId), index('call_usage_call_idx').on(t.callSid)],
);

/** Latency samples: set-up, per turn, barge-in reaction, tool round trip, session restore. */
export const callLatencies = pgTable(
  'call_latencies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    callSid: text('call_sid').notNull(),
    kind: text('kind').notNull(),
    valueMs: real('value_ms').notNull(),
    itemId: text('item_id'),
    at: at('at').notNull(),
  },
  (t) => [
    uniqueIndex('call_latencies_event_uq').on(t.eventId),
    index('call_latencies_call_idx').on(t.callSid),
  ],
);

/** The humans calls are handed to. */
export const humanAgents = pgTable(
  'human_agents',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    queue: text('queue').notNull(),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    available: boolean('available').notNull().default(false),
    /** SHA-256 (hex) of the agent's console token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    /** The one escalation this human is handling; null when free. */
    currentEscalationId: text('current_escalation_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('human_agents_queue_idx').on(t.queue),
    uniqueIndex('human_agents_current_escalation_uq').on(t.currentEscalationId),
    uniqueIndex('human_agents_token_hash_uq').on(t.tokenHash),
  ],
);

/** A hand-off to a human: durable from request to resolution. */
export const escalations = pgTable(
  'escalations',
  {
    /** `${callSid}:${toolCallId}`: the request's message id. */
    id: text('id').primaryKey(),
    callSid: text('call_sid').notNull(),
    agentId: text('agent_id').notNull(),
    caller: text('caller').notNull(),
    queue: text('queue').notNull(),
    reason: text('reason').notNull(),
    summary: text('summary').notNull(),
    priority: text('priority').$type<'low' | 'normal' | 'high' | 'urgent'>().notNull(),
    /** Skills the request asked for: every human offered the call (at intake, after a no-answer, from the queue) has them all. */
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    transcript: jsonb('transcript')
      .$type<Array<{ role: 'caller' | 'agent'; text: string; at: string }>>()
      .notNull(),
    status: text('status').notNull().default('received'),
    humanAgentId: text('human_agent_id').references(() => humanAgents.id, { onDelete: 'set null' }),
    attempts: integer('attempts').notNull().default(0),
    /** What the caller was told (queue position, call-back time). */
    message: text('message'),
    callbackAt: at('callback_at'),
    failureReason: text('failure_reason'),
    requestedAt: at('requested_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    resolvedAt: at('resolved_at'),
  },
  (t) => [
    index('escalations_status_idx').on(t.status, t.createdAt),
    index('escalations_call_idx').on(t.callSid),
  ],
);

/** Each human tried for an escalation, with Twilio's outcome. */
export const escalationAttempts = pgTable(
  'escalation_attempts',
  {
    id: serial('id').primaryKey(),
    escalationId: text('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    humanAgentId: text('human_agent_id').notNull(),
    status: text('status').$type<'dialing' | 'answered' | 'no_answer' | 'busy' | 'failed'>().notNull(),
    startedAt: at('started_at').notNull().defaultNow(),
    endedAt: at('ended_at'),
  },
  (t) => [index('escalation_attempts_escalation_idx').on(t.escalationId)],
);

/** The business's customers, found by the number they call from. */
export const customers = pgTable(
  'customers',
  {
    id: serial('id').primaryKey(),
    phone: text('phone').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    notes: text('notes'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('customers_phone_uq').on(t.phone)],
);

/** Bookable time: one row per resource (a clinician, a bay) and start time. */
export const slots = pgTable(
  'slots',
  {
    id: serial('id').primaryKey(),
    resource: text('resource').notNull(),
    service: text('service').notNull(),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
  },
  (t) => [
    uniqueIndex('slots_resource_start_uq').on(t.resource, t.startsAt),
    index('slots_starts_at_idx').on(t.startsAt),
  ],
);

/** A booking; the partial unique index makes a double booking impossible, whatever the concurrency. */
export const appointments = pgTable(
  'appointments',
  {
    id: serial('id').primaryKey(),
    slotId: integer('slot_id')
      .notNull()
      .references(() => slots.id),
    customerId: integer('customer_id').references(() => customers.id),
    callerPhone: text('caller_phone').notNull(),
    reason: text('reason'),
    status: text('status').$type<'booked' | 'cancelled'>().notNull().default('booked'),
    callSid: text('call_sid'),
    createdAt: createdAt(),
    cancelledAt: at('cancelled_at'),
  },
  (t) => [
    uniqueIndex('appointments_slot_booked_uq').on(t.slotId).where(sql`${t.status} = 'booked'`),
    index('appointments_caller_idx').on(t.callerPhone),
  ],
);

/** Support tickets opened by callers (or for them). */
export const tickets = pgTable(
  'tickets',
  {
    id: serial('id').primaryKey(),
    /** The reference read out to the caller (`T-1042`). */
    ref: text('ref').notNull(),
    customerId: integer('customer_id').references(() => customers.id),
    callerPhone: text('caller_phone').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    status: text('status').$type<'open' | 'in_progress' | 'resolved' | 'closed'>().notNull().default('open'),
    priority: text('priority').$type<'low' | 'normal' | 'high'>().notNull().default('normal'),
    callSid: text('call_sid'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tickets_ref_uq').on(t.ref), index('tickets_caller_idx').on(t.callerPhone)],
);

export type AgentProfile = typeof agentProfiles.$inferSelect;
export type CallRow = typeof calls.$inferSelect;
export type HumanAgent = typeof humanAgents.$inferSelect;
export type EscalationRow = typeof escalations.$inferSelect;
