import { z } from 'zod';
import { agentIdSchema } from '../contracts/ids.js';
import { ContractError } from '../errors/index.js';

/**
 * What the OpenAI Realtime API (GA) accepts for the parts of an agent profile that become the
 * session's configuration. A profile is checked against this when it is written, and the bridge
 * checks it again before building a `session.update`: the API refuses a whole update for one
 * bad field and the session stays 24 kHz PCM, which a phone plays as static (PROTOCOLS.md,
 * corrections). Lists are the `openai` SDK's (resources/realtime/realtime.d.ts, openai 6.49.0):
 * where it types a field as "any string" the API still refuses values outside them.
 */

/** `RealtimeAudioConfigOutput.voice`. */
export const REALTIME_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;

/** `AudioTranscription.model`. */
export const TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe',
  'gpt-4o-transcribe-diarize',
  'gpt-realtime-whisper',
] as const;

/** ISO-639-1, which `AudioTranscription.language` asks for. */
const ISO_639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ' +
    'ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ' +
    'ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi ' +
    'mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw ' +
    'sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ' +
    'ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

const msSchema = z.number().int().nonnegative();

/** `audio.input.turn_detection`: the SDK's `ServerVad` | `SemanticVad`, no other keys. */
export const turnDetectionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('server_vad'),
    threshold: z.number().min(0).max(1).optional(),
    prefix_padding_ms: msSchema.optional(),
    silence_duration_ms: msSchema.optional(),
    idle_timeout_ms: z.number().int().positive().nullable().optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('semantic_vad'),
    eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  }),
]);
/** Turn detection as OpenAI Realtime takes it (`audio.input.turn_detection`). */
export type TurnDetection = z.infer<typeof turnDetectionSchema>;

/** The profile fields that become the model session's configuration. */
export const realtimeProfileSchema = z.object({
  voice: z.enum(REALTIME_VOICES),
  turnDetection: turnDetectionSchema,
  noiseReduction: z.enum(['near_field', 'far_field']).nullable(),
  transcriptionModel: z.enum(TRANSCRIPTION_MODELS),
  language: z.string().refine((code) => ISO_639_1.has(code), 'not an ISO-639-1 language code'),
  instructions: z.string().min(1).max(100_000),
});

/** A profile as written: the columns with defaults may be left out (the database's defaults are valid). */
export const agentProfileInputSchema = realtimeProfileSchema.partial().extend({
  id: agentIdSchema,
  phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'not an E.164 number'),
  name: z.string().min(1).max(200),
  instructions: realtimeProfileSchema.shape.instructions,
  greeting: z.string().min(1).max(2_000),
  allowedTools: z
    .array(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'not a tool name the API accepts'))
    .optional(),
  escalationQueue: z.string().min(1).max(100).optional(),
  escalationFallback: z.enum(['queue', 'callback']).optional(),
  toolFillerAfterMs: z.number().int().nonnegative().nullable().optional(),
  maxCallSeconds: z.number().int().positive().optional(),
});
export type AgentProfileInput = z.infer<typeof agentProfileInputSchema>;

/** Why a profile cannot be used: the field, and what is wrong with it. */
export interface ProfileProblem {
  field: string;
  message: string;
}

export type ProfileCheck<T> = { ok: true; value: T } | { ok: false; problem: ProfileProblem };

/** Checks a profile about to be written; the first problem names its field. */
export function checkAgentProfileInput(input: unknown): ProfileCheck<AgentProfileInput> {
  return checked(agentProfileInputSchema.safeParse(input));
}

/** Checks a stored profile's realtime fields (a row written around the check, or before it). */
export function checkRealtimeProfile(profile: unknown): ProfileCheck<z.infer<typeof realtimeProfileSchema>> {
  return checked(realtimeProfileSchema.safeParse(profile));
}

function checked<T>(result: z.ZodSafeParseResult<T>): ProfileCheck<T> {
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const path = issue?.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : (issue?.path ?? []);
  const field = path.map(String).join('.') || '(profile)';
  return { ok: false, problem: { field, message: issue?.message ?? 'invalid' } };
}

/** A profile written by code (the seed, a fixture): refused loudly, with the field named. */
export function validAgentProfile(input: AgentProfileInput): AgentProfileInput {
  const result = checkAgentProfileInput(input);
  if (result.ok) return result.value;
  throw new ContractError(`agent profile ${input.id}`, [
    `${result.problem.field}: ${result.problem.message}`,
  ]);
}
