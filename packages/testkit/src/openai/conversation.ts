import { type ApiError, invalidRequest } from './api-error.js';
import type { ConversationItemInput } from './client-events.js';
import { newId } from './ids.js';

/** A conversation item as the fake holds it. */
export interface FakeItem {
  id: string;
  type: 'message' | 'function_call' | 'function_call_output';
  role?: 'user' | 'assistant' | 'system';
  status: 'in_progress' | 'completed' | 'incomplete';
  /** Text of a text message, transcript of an audio one. */
  text: string;
  /** Whether the content is audio (caller speech, agent speech). */
  audio: boolean;
  /** Assistant audio produced so far (ms): the upper bound of a truncate. */
  audioMs: number;
  /** Input audio: whether its transcription is known yet (it arrives after the item). */
  transcribed?: boolean;
  /** Silence committed by `idle_timeout_ms` rather than caller speech. */
  idle?: boolean;
  truncatedAtMs?: number;
  callId?: string;
  name?: string;
  arguments?: string;
  output?: string;
}

/** The item as the API shows it (`RealtimeConversationItem…`). */
export function itemToWire(item: FakeItem): Record<string, unknown> {
  const base = { id: item.id, object: 'realtime.item', type: item.type, status: item.status };
  if (item.type === 'function_call') {
    return { ...base, call_id: item.callId, name: item.name, arguments: item.arguments ?? '' };
  }
  if (item.type === 'function_call_output') return { ...base, call_id: item.callId, output: item.output };
  const part =
    item.role === 'assistant'
      ? item.audio
        ? { type: 'output_audio', transcript: item.text }
        : { type: 'output_text', text: item.text }
      : item.audio
        ? { type: 'input_audio', transcript: item.transcribed ? item.text : null }
        : { type: 'input_text', text: item.text };
  return { ...base, role: item.role, content: [part] };
}

/** Keeps the words spoken in the first `keepMs` of `totalMs` of speech. */
export function cutTranscript(text: string, keepMs: number, totalMs: number): string {
  if (totalMs <= 0 || keepMs >= totalMs) return text;
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.floor((words.length * keepMs) / totalMs)).join(' ');
}

/** The items of one session's conversation, in order. */
export class Conversation {
  private readonly order: FakeItem[] = [];
  private readonly byId = new Map<string, FakeItem>();

  get items(): readonly FakeItem[] {
    return this.order;
  }

  get(id: string): FakeItem | undefined {
    return this.byId.get(id);
  }

  add(item: FakeItem): FakeItem {
    this.order.push(item);
    this.byId.set(item.id, item);
    return item;
  }

  /** An item from `conversation.item.create`, or the API's error for it. */
  fromClient(input: ConversationItemInput): FakeItem | ApiError {
    const id = input.id ?? newId('item');
    if (this.byId.has(id))
      return invalidRequest('duplicate_item_id', `Item with id '${id}' already exists.`, 'item.id');
    if (input.type === 'function_call') {
      return {
        id,
        type: 'function_call',
        status: 'completed',
        text: '',
        audio: false,
        audioMs: 0,
        callId: input.call_id,
        name: input.name,
        arguments: input.arguments,
      };
    }
    if (input.type === 'function_call_output') {
      const call = this.order.find((i) => i.type === 'function_call' && i.callId === input.call_id);
      if (!call) {
        return invalidRequest(
          'invalid_value',
          `No tool call found with call_id '${input.call_id}'.`,
          'item.call_id',
        );
      }
      return {
        id,
        type: 'function_call_output',
        status: 'completed',
        text: '',
        audio: false,
        audioMs: 0,
        callId: input.call_id,
        name: call.name,
        output: input.output,
      };
    }
    const text = input.content
      .map((part) => part.text ?? part.transcript ?? '')
      .join(' ')
      .trim();
    return { id, type: 'message', role: input.role, status: 'completed', text, audio: false, audioMs: 0 };
  }

  /**
   * `conversation.item.truncate`: only assistant items that already carry audio (a function
   * call, a user item, or an assistant item announced but without audio yet is refused with
   * `unsupported_content_type`, as livekit/agents #6157 captured), never past the audio produced
   * (the API reference: "If audio_end_ms is greater than the actual audio duration, the server
   * will respond with an error"; message as in twilio-samples speech-assistant issue #45).
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): FakeItem | ApiError {
    const item = this.byId.get(itemId);
    if (!item) return invalidRequest('item_not_found', `Item with item_id '${itemId}' not found.`, 'item_id');
    if (item.type !== 'message' || item.role !== 'assistant' || !item.audio || item.audioMs === 0) {
      return invalidRequest('unsupported_content_type', 'Only model output audio messages can be truncated');
    }
    if (contentIndex !== 0)
      return invalidRequest('invalid_value', 'Content index out of range.', 'content_index');
    if (audioEndMs > item.audioMs) {
      return invalidRequest(
        'invalid_value',
        `Audio content of ${Math.floor(item.audioMs)}ms is already shorter than ${audioEndMs}ms`,
        'audio_end_ms',
      );
    }
    item.text = cutTranscript(item.text, audioEndMs, item.audioMs);
    item.audioMs = audioEndMs;
    item.truncatedAtMs = audioEndMs;
    return item;
  }

  delete(itemId: string): boolean {
    const item = this.byId.get(itemId);
    if (!item) return false;
    this.byId.delete(itemId);
    this.order.splice(this.order.indexOf(item), 1);
    return true;
  }
}
