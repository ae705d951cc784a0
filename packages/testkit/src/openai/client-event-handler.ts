import { type ApiError, invalidRequest } from './api-error.js';
import {
  type ClientEvent,
  conversationItemSchema,
  describeIssue,
  type FakeSessionConfig,
} from './client-events.js';
import { type Conversation, itemToWire } from './conversation.js';
import { type InputAudio, MIN_COMMIT_MS } from './input-audio.js';
import type { Responder } from './responder.js';
import { mergeSessionConfig } from './session-defaults.js';
import type { SessionHost } from './session-host.js';
import { validateSessionUpdate } from './session-validation.js';
import { decodeCallerAudio, type WireFormat } from './wire-audio.js';

/** The parts of one session a client event acts on. */
export interface ClientEventTarget {
  readonly conversation: Conversation;
  readonly input: InputAudio;
  readonly responder: Responder;
  readonly host: SessionHost;
  inputFormat(): WireFormat;
  config(): FakeSessionConfig;
  setConfig(config: FakeSessionConfig): void;
  send(type: string, payload?: Record<string, unknown>): boolean;
}

/** Applies one client event; returns the API error it causes, if any. */
export function handleClientEvent(target: ClientEventTarget, event: ClientEvent): ApiError | undefined {
  switch (event.type) {
    case 'session.update':
      return updateSession(target, event.session);
    case 'input_audio_buffer.append':
      target.input.append(asHeard(target.inputFormat(), event.audio));
      return undefined;
    case 'input_audio_buffer.commit':
      if (target.input.buffered < MIN_COMMIT_MS) {
        return invalidRequest(
          'input_audio_buffer_commit_empty',
          `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${target.input.buffered}ms of audio.`,
        );
      }
      target.input.commit();
      return undefined;
    case 'input_audio_buffer.clear':
      target.input.clear();
      return undefined;
    case 'conversation.item.create':
      return createItem(target, event.item);
    case 'conversation.item.truncate': {
      const result = target.conversation.truncate(event.item_id, event.content_index, event.audio_end_ms);
      if ('message' in result) return result;
      target.send('conversation.item.truncated', {
        item_id: event.item_id,
        content_index: event.content_index,
        audio_end_ms: event.audio_end_ms,
      });
      return undefined;
    }
    case 'conversation.item.delete':
      if (!target.conversation.delete(event.item_id)) return itemNotFound(event.item_id);
      target.send('conversation.item.deleted', { item_id: event.item_id });
      return undefined;
    case 'conversation.item.retrieve': {
      const item = target.conversation.get(event.item_id);
      if (!item) return itemNotFound(event.item_id);
      target.send('conversation.item.retrieved', { item: itemToWire(item) });
      return undefined;
    }
    case 'response.create': {
      const rejection = target.host.takeResponseRejection();
      if (rejection) return rejection;
      const active = target.responder.active;
      if (active) {
        return invalidRequest(
          'conversation_already_has_active_response',
          `Conversation already has an active response in progress: ${active.id}. Wait until the response is finished before creating a new one.`,
        );
      }
      target.responder.respondTo(event.response);
      return undefined;
    }
    case 'response.cancel': {
      const active = target.responder.active;
      if (!active || (event.response_id !== undefined && event.response_id !== active.id)) {
        return invalidRequest('response_cancel_not_active', 'Cancellation failed: no active response found');
      }
      active.cancel('client_cancelled');
      return undefined;
    }
  }
}

/**
 * A valid update is applied and confirmed with the whole effective session; an invalid one
 * is answered with `error` only and changes nothing (PROTOCOLS.md, corrections).
 */
function updateSession(target: ClientEventTarget, session: Record<string, unknown>): ApiError | undefined {
  const update = validateSessionUpdate(session, target.host.voices);
  if ('message' in update) return update;
  target.setConfig(mergeSessionConfig(target.config(), update));
  target.input.configure();
  target.send('session.updated', { session: target.config() });
  return undefined;
}

/** Caller audio read in the session's input format (base64 again, for the VAD). */
function asHeard(format: WireFormat, audio: string): string {
  if (format === 'audio/pcmu') return audio;
  return decodeCallerAudio(Buffer.from(audio, 'base64'), format).toString('base64');
}

function createItem(target: ClientEventTarget, raw: Record<string, unknown>): ApiError | undefined {
  const parsed = conversationItemSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = describeIssue(parsed.error);
    return invalidRequest('invalid_value', issue.message, `item.${issue.param}`);
  }
  const { conversation } = target;
  const result = conversation.fromClient(parsed.data);
  if ('message' in result) return result;
  const previous = conversation.items.at(-1)?.id ?? null;
  conversation.add(result);
  target.responder.noteInput(result);
  target.send('conversation.item.added', { previous_item_id: previous, item: itemToWire(result) });
  target.send('conversation.item.done', { item: itemToWire(result) });
  return undefined;
}

function itemNotFound(itemId: string): ApiError {
  return invalidRequest('item_not_found', `Item with item_id '${itemId}' not found.`, 'item_id');
}
