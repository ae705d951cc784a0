import { z } from 'zod';

/**
 * What a GA `session.update` may carry, as strictly as the real API checks it: every object
 * refuses keys it does not know, enums refuse values outside the documented lists. Field lists
 * and enums are the `openai` SDK's `RealtimeSessionCreateRequest` (resources/realtime/realtime.d.ts,
 * openai 6.49.0); where the SDK types a field as "any string" the API still refuses unknown
 * values (voices, transcription models: ../shared/PROTOCOLS.md "Corrections and additions").
 */

/** `RealtimeAudioConfigOutput.voice` literals; `{ id }` names a custom voice. */
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

/** `AudioTranscription.model` literals. */
export const TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe',
  'gpt-4o-transcribe-diarize',
  'gpt-realtime-whisper',
] as const;

/**
 * ISO-639-1, which `AudioTranscription.language` asks for. Kept here rather than imported: the
 * fake stands for the API, not for the product's own checks (testkit does not depend on shared).
 */
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

/** `RealtimeAudioFormats`: PCM only at 24 kHz; G.711 at its fixed 8 kHz. */
export const audioFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.literal(24_000).optional() }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);
export type AudioFormat = z.infer<typeof audioFormatSchema>;

const msSchema = z.number().int().nonnegative();

/** `RealtimeAudioInputTurnDetection`: ServerVad | SemanticVad (or null: turn detection off). */
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
export type TurnDetectionConfig = z.infer<typeof turnDetectionSchema>;

const transcriptionSchema = z.strictObject({
  model: z.enum(TRANSCRIPTION_MODELS).optional(),
  language: z
    .string()
    .refine((code) => ISO_639_1.has(code), { message: 'Expected an ISO-639-1 language code.' })
    .optional(),
  prompt: z.string().optional(),
  delay: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
});

/**
 * `RealtimeFunctionTool` (flat, not `{ function: {...} }`). The name rule and the object-typed
 * parameters are the API's function rules (the Chat Completions / Responses function docs; the
 * Realtime reference does not repeat them).
 */
const functionToolSchema = z.strictObject({
  type: z.literal('function').optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  description: z.string().optional(),
  parameters: z.looseObject({ type: z.literal('object') }).optional(),
});
export type FunctionToolConfig = z.infer<typeof functionToolSchema>;

/** MCP tools are not exercised by the product; their shape is checked no further than this. */
const mcpToolSchema = z.looseObject({ type: z.literal('mcp'), server_label: z.string() });

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string() }),
  z.looseObject({ type: z.literal('mcp'), server_label: z.string() }),
]);

/** `session.update` → `session` (type `realtime`). */
export const sessionUpdateSchema = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().optional(),
  instructions: z.string().optional(),
  output_modalities: z.array(z.enum(['text', 'audio'])).optional(),
  max_output_tokens: z.union([z.number().int().min(1).max(4096), z.literal('inf')]).optional(),
  include: z.array(z.literal('item.input_audio_transcription.logprobs')).optional(),
  parallel_tool_calls: z.boolean().optional(),
  prompt: z.looseObject({ id: z.string() }).nullable().optional(),
  reasoning: z.looseObject({}).optional(),
  tracing: z
    .union([z.literal('auto'), z.looseObject({})])
    .nullable()
    .optional(),
  truncation: z.union([z.enum(['auto', 'disabled']), z.looseObject({ type: z.string() })]).optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: audioFormatSchema.optional(),
          noise_reduction: z
            .strictObject({ type: z.enum(['near_field', 'far_field']).optional() })
            .nullable()
            .optional(),
          transcription: transcriptionSchema.nullable().optional(),
          turn_detection: turnDetectionSchema.nullable().optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: audioFormatSchema.optional(),
          voice: z.union([z.enum(REALTIME_VOICES), z.strictObject({ id: z.string().min(1) })]).optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  tools: z.array(z.union([functionToolSchema, mcpToolSchema])).optional(),
  tool_choice: toolChoiceSchema.optional(),
});
export type SessionUpdate = z.infer<typeof sessionUpdateSchema>;

/** The effective session as `session.created` / `session.updated` report it. */
export type FakeSessionConfig = SessionUpdate & { object?: string; id?: string; expires_at?: number };
