import { z } from 'zod';

/**
 * Identifiers that end up inside NATS subjects are validated strictly: a token with a dot,
 * a wildcard or whitespace would let one call's traffic reach another's subject.
 */
export const callSidSchema = z.string().regex(/^CA[0-9a-f]{32}$/, 'a Twilio call SID (CA + 32 hex)');
export const streamSidSchema = z.string().regex(/^MZ[0-9a-f]{32}$/, 'a Twilio stream SID (MZ + 32 hex)');
export const accountSidSchema = z.string().regex(/^AC[0-9a-f]{32}$/, 'a Twilio account SID (AC + 32 hex)');

/** A short opaque token naming one claim of a call by one bridge instance. */
export const claimIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,40}$/, 'a claim id');

/** OpenAI function names: the same alphabet is safe as a NATS subject token. */
export const toolNameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name ([a-zA-Z0-9_-], 1-64)');

/** The model's id for one function call; it keys idempotency of tool invocations. */
export const toolCallIdSchema = z.string().min(1).max(128);

/** Agent profiles are addressed by a slug (`maple-dental-reception`). */
export const agentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'an agent id (lowercase slug)');

/**
 * What Twilio puts in `From`/`To`: usually E.164, but also `anonymous`, `client:…` or `sip:…`.
 * Only the shape is bounded here; logs always mask it.
 */
export const phoneSchema = z.string().min(1).max(128);

export const e164Schema = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 phone number');

export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export type CallSid = z.infer<typeof callSidSchema>;
export type StreamSid = z.infer<typeof streamSidSchema>;
export type ClaimId = z.infer<typeof claimIdSchema>;
export type ToolName = z.infer<typeof toolNameSchema>;
export type AgentId = z.infer<typeof agentIdSchema>;
