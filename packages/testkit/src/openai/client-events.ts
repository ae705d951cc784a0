import { z } from 'zod';
import type { WireFormat } from './wire-audio.js';

/**
 * The client events of the GA Realtime protocol, as the fake parses them. Shapes follow the
 * `openai` SDK's `RealtimeClientEvent` union (resources/realtime/realtime.d.ts); unknown keys
 * are kept so tests can assert on everything the client sent. A `session.update`'s `session`
 * is checked strictly on its own (`session-validation.ts`), so a refusal is worded like the API's.
 */
const eventId = { event_id: z.string().optional() };

export type {
  FakeSessionConfig,
  FunctionToolConfig,
  SessionUpdate,
  TurnDetectionConfig,
} from './session-schema.js';

/** Session keys that only the beta protocol has: a GA server rejects them. */
export const BETA_SESSION_KEYS = [
  'modalities',
  'voice',
  'input_audio_format',
  'output_audio_format',
  'input_audio_transcription',
  'turn_detection',
  'temperature',
  'max_response_output_tokens',
] as const;

const contentPartSchema = z.looseObject({
  type: z.enum(['input_text', 'input_audio', 'output_text', 'output_audio', 'input_image']).optional(),
  text: z.string().optional(),
  transcript: z.string().nullable().optional(),
  audio: z.string().optional(),
});

export const conversationItemSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message'),
    id: z.string().optional(),
    role: z.enum(['user', 'assistant', 'system']),
    content: z.array(contentPartSchema),
  }),
  z.looseObject({
    type: z.literal('function_call'),
    id: z.string().optional(),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.string(),
  }),
  z.looseObject({
    type: z.literal('function_call_output'),
    id: z.string().optional(),
    call_id: z.string().min(1),
    output: z.string(),
  }),
]);
export type ConversationItemInput = z.infer<typeof conversationItemSchema>;

export const responseParamsSchema = z.looseObject({
  instructions: z.string().optional(),
  tool_choice: z.unknown().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  conversation: z.string().optional(),
  output_modalities: z.array(z.enum(['text', 'audio'])).optional(),
});
export type ResponseParams = z.infer<typeof responseParamsSchema>;

export const clientEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('session.update'),
    ...eventId,
    session: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({ type: z.literal('input_audio_buffer.append'), ...eventId, audio: z.string() }),
  z.looseObject({ type: z.literal('input_audio_buffer.commit'), ...eventId }),
  z.looseObject({ type: z.literal('input_audio_buffer.clear'), ...eventId }),
  z.looseObject({
    type: z.literal('conversation.item.create'),
    ...eventId,
    previous_item_id: z.string().nullable().optional(),
    item: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({
    type: z.literal('conversation.item.truncate'),
    ...eventId,
    item_id: z.string(),
    content_index: z.number().int().nonnegative(),
    audio_end_ms: z.number().int().nonnegative(),
  }),
  z.looseObject({ type: z.literal('conversation.item.delete'), ...eventId, item_id: z.string() }),
  z.looseObject({ type: z.literal('conversation.item.retrieve'), ...eventId, item_id: z.string() }),
  z.looseObject({
    type: z.literal('response.create'),
    ...eventId,
    response: responseParamsSchema.optional(),
  }),
  z.looseObject({ type: z.literal('response.cancel'), ...eventId, response_id: z.string().optional() }),
]);

/** Every client event the fake understands, as received (typed for test assertions). */
export type ClientEvent = z.infer<typeof clientEventSchema>;
export type ClientEventType = ClientEvent['type'];
export type ClientEventOf<T extends ClientEventType> = Extract<ClientEvent, { type: T }>;

/** A client event with the time it arrived (`performance.now()` ms). */
export interface ReceivedClientEvent<E extends ClientEvent = ClientEvent> {
  at: number;
  event: E;
  /** For caller audio: the session's input format when it arrived, i.e. how the API read it. */
  format?: WireFormat;
}

/** The first issue of a failed parse, as an API error `param`/`message`. */
export function describeIssue(error: z.ZodError): { param: string; message: string } {
  const issue = error.issues[0];
  const param = issue?.path.join('.') ?? '';
  return { param, message: issue ? `Invalid value at '${param}': ${issue.message}` : 'Invalid event' };
}
