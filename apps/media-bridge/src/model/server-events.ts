import { z } from 'zod';

/** Base64 as the contracts accept it (`isBase64Bytes` on the fast path is the same check). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The OpenAI Realtime (GA) server events the bridge acts on, as zod schemas joined on `type`.
 * Shapes follow `openai/resources/realtime/realtime.d.ts`; only the fields used are required,
 * everything else is tolerated.
 */
const usageSchema = z.looseObject({
  total_tokens: z.number().optional(),
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  input_token_details: z
    .looseObject({
      text_tokens: z.number().optional(),
      audio_tokens: z.number().optional(),
      cached_tokens: z.number().optional(),
    })
    .optional(),
  output_token_details: z
    .looseObject({ text_tokens: z.number().optional(), audio_tokens: z.number().optional() })
    .optional(),
});
export type ModelUsage = z.infer<typeof usageSchema>;

const metadataSchema = z.record(z.string(), z.string()).nullable().optional();

const responseSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['in_progress', 'completed', 'cancelled', 'failed', 'incomplete']).optional(),
  status_details: z
    .looseObject({ type: z.string().optional(), reason: z.string().optional() })
    .nullable()
    .optional(),
  metadata: metadataSchema,
  usage: usageSchema.nullable().optional(),
});

const itemSchema = z.looseObject({ id: z.string(), type: z.string(), role: z.string().optional() });

export const serverEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('session.created'), session: z.looseObject({}) }),
  z.looseObject({ type: z.literal('session.updated'), session: z.looseObject({}) }),
  z.looseObject({
    type: z.literal('error'),
    error: z.looseObject({
      type: z.string(),
      code: z.string().nullable().optional(),
      message: z.string(),
      param: z.string().nullable().optional(),
      event_id: z.string().nullable().optional(),
    }),
  }),
  z.looseObject({
    type: z.literal('input_audio_buffer.speech_started'),
    audio_start_ms: z.number(),
    item_id: z.string(),
  }),
  z.looseObject({
    type: z.literal('input_audio_buffer.speech_stopped'),
    audio_end_ms: z.number(),
    item_id: z.string(),
  }),
  z.looseObject({ type: z.literal('input_audio_buffer.committed'), item_id: z.string() }),
  z.looseObject({
    type: z.literal('conversation.item.input_audio_transcription.completed'),
    item_id: z.string(),
    transcript: z.string(),
  }),
  z.looseObject({
    type: z.literal('conversation.item.input_audio_transcription.failed'),
    item_id: z.string(),
  }),
  z.looseObject({
    type: z.literal('conversation.item.truncated'),
    item_id: z.string(),
    audio_end_ms: z.number(),
  }),
  z.looseObject({ type: z.literal('response.created'), response: responseSchema }),
  z.looseObject({ type: z.literal('response.done'), response: responseSchema }),
  z.looseObject({ type: z.literal('response.output_item.added'), response_id: z.string(), item: itemSchema }),
  z.looseObject({
    type: z.literal('response.output_audio.delta'),
    response_id: z.string(),
    item_id: z.string(),
    // Checked here as on the fast path (`audio-delta.ts`): the audio goes into JSON by concatenation.
    delta: z.string().regex(BASE64, 'base64'),
  }),
  z.looseObject({
    type: z.literal('response.output_audio_transcript.delta'),
    item_id: z.string(),
    delta: z.string(),
  }),
  z.looseObject({
    type: z.literal('response.output_audio_transcript.done'),
    item_id: z.string(),
    transcript: z.string(),
  }),
  z.looseObject({
    type: z.literal('response.function_call_arguments.done'),
    response_id: z.string(),
    item_id: z.string(),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
  }),
  z.looseObject({
    type: z.literal('rate_limits.updated'),
    rate_limits: z.array(
      z.looseObject({
        name: z.string().optional(),
        remaining: z.number().optional(),
        reset_seconds: z.number().optional(),
      }),
    ),
  }),
]);

/** A server event the bridge acts on. */
export type ServerEvent = z.infer<typeof serverEventSchema>;
export type ServerEventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;

/** GA server events the bridge has no use for: known, so not counted as unknown. */
const IGNORED_TYPES = new Set([
  'conversation.created',
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.created',
  'conversation.item.deleted',
  'conversation.item.retrieved',
  'conversation.item.input_audio_transcription.delta',
  'conversation.item.input_audio_transcription.segment',
  'input_audio_buffer.cleared',
  'input_audio_buffer.timeout_triggered',
  'input_audio_buffer.dtmf_event_received',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_audio.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.function_call_arguments.delta',
]);

const KNOWN_TYPES = new Set(serverEventSchema.options.map((o) => o.shape.type.value as string));

/** A server event that could not be used, and why. */
export interface InvalidServerEvent {
  kind: 'unknown' | 'malformed';
  type: string | undefined;
  issues: string[];
}

export type ParsedServerEvent =
  | { ok: true; event: ServerEvent }
  | { ok: false; ignored: true }
  | { ok: false; ignored: false; invalid: InvalidServerEvent };

/** Parses one server event; never throws. Unknown and malformed events come back as values. */
export function parseServerEvent(raw: unknown): ParsedServerEvent {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  const typeName = typeof type === 'string' ? type : undefined;
  if (typeName !== undefined && IGNORED_TYPES.has(typeName)) return { ok: false, ignored: true };
  const parsed = serverEventSchema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data };
  const known = typeName !== undefined && KNOWN_TYPES.has(typeName);
  return {
    ok: false,
    ignored: false,
    invalid: {
      kind: known ? 'malformed' : 'unknown',
      type: typeName,
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    },
  };
}
