import { WebSocket } from 'ws';
import { type ApiError, invalidRequest } from './api-error.js';
import {
  type ClientEvent,
  type ClientEventOf,
  type ClientEventType,
  clientEventSchema,
  conversationItemSchema,
  describeIssue,
  type FakeSessionConfig,
  type ReceivedClientEvent,
} from './client-events.js';
import { Conversation, itemToWire } from './conversation.js';
import { newId } from './ids.js';
import { InputAudio, MIN_COMMIT_MS } from './input-audio.js';
import { Responder } from './responder.js';
import type { ResponseRun } from './response-run.js';
import { defaultSessionConfig, mergeSessionConfig } from './session-defaults.js';
import type { SentServerEvent, SessionHost } from './session-host.js';
import { validateSessionUpdate } from './session-validation.js';
import { decodeCallerAudio, encodeAgentAudio, type WireFormat } from './wire-audio.js';

const MS_PER_INPUT_AUDIO_TOKEN = 100;
const AUDIO_IN = 'input_audio_buffer.append';
const AUDIO_OUT = 'response.output_audio.delta';
const CHARS_PER_TOKEN = 4;

/**
 * One Realtime WebSocket connection to the fake: its session config, conversation, responses,
 * everything received and sent (for assertions), and fault controls for this socket.
 */
export class FakeRealtimeSession {
  readonly id = newId('sess');
  readonly connectedAt = performance.now();
  readonly received: ReceivedClientEvent[] = [];
  readonly sent: SentServerEvent[] = [];
  readonly conversation = new Conversation();
  config: FakeSessionConfig;
  /** Close code and reason once the socket has closed. */
  closed: { code: number; reason: string } | undefined;
  private readonly input: InputAudio;
  private readonly responder: Responder;
  private readonly recordAudio: boolean;
  private extraDelayMs = 0;
  private readonly expiry: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly host: SessionHost,
    readonly model: string,
  ) {
    const expiresAt = Math.floor((Date.now() + host.maxSessionMs) / 1_000);
    this.config = defaultSessionConfig(this.id, model, expiresAt);
    this.recordAudio = host.hooks.recordAudio !== false;
    const send = (type: string, payload: Record<string, unknown> = {}) => this.send(type, payload);
    const outputAudio = host.hooks.outputAudio;
    this.responder = new Responder({
      conversation: this.conversation,
      script: host.script,
      instructions: () => this.config.instructions ?? '',
      pacing: () => host.pacing(),
      takeDelay: () => {
        const extra = this.extraDelayMs + host.takeResponseDelay();
        this.extraDelayMs = 0;
        return extra;
      },
      send,
      inputTokens: () => this.inputTokens(),
      inputPosition: () => this.input.totalMs,
      responseEnded: (startedAt, audioMs) => this.input.responseEnded(startedAt, audioMs),
      notify: () => host.notify(),
      ...(outputAudio ? { outputAudio: (chunk: Buffer) => outputAudio(this, chunk) } : {}),
    });
    this.input = new InputAudio(
      {
        conversation: this.conversation,
        script: host.script,
        config: () => this.config,
        send,
        interrupt: () => this.responder.active?.cancel('turn_detected'),
        committed: (item, respond) => {
          this.responder.noteInput(item);
          if (respond && !this.responder.active) {
            this.responder.start(
              item.idle
                ? { kind: 'idle_timeout', itemId: item.id }
                : { kind: 'caller', transcript: item.text, itemId: item.id },
            );
          }
        },
        responding: () => this.responder.active !== undefined,
      },
      { minSpeechMs: host.minSpeechMs, transcriptionDelayMs: host.transcriptionDelayMs },
    );
    socket.on('message', (data, isBinary) => this.onMessage(String(data), isBinary));
    socket.on('close', (code, reason) => {
      clearTimeout(this.expiry);
      this.closed = { code, reason: String(reason) };
      this.input.close();
      for (const run of this.responder.runs) run.cancel('client_cancelled');
      host.notify();
    });
    this.expiry = setTimeout(() => this.expire(), host.maxSessionMs);
    this.send('session.created', { session: this.config });
  }

  /** The format the API reads appended caller audio in right now. */
  get inputFormat(): WireFormat {
    return this.config.audio?.input?.format?.type ?? 'audio/pcm';
  }

  /** The format the API sends agent audio in right now. */
  get outputFormat(): WireFormat {
    return this.config.audio?.output?.format?.type ?? 'audio/pcm';
  }

  /** Every response of this session, oldest first. */
  get responses(): readonly ResponseRun[] {
    return this.responder.runs;
  }

  get activeResponse(): ResponseRun | undefined {
    return this.responder.active;
  }

  /** Every received client event of one type (typed), oldest first. */
  eventsOf<T extends ClientEventType>(type: T): ClientEventOf<T>[] {
    return this.received.filter((r) => r.event.type === type).map((r) => r.event as ClientEventOf<T>);
  }

  /** Resolves with the first received event of `type` that matches (already received or future). */
  waitForEvent<T extends ClientEventType>(
    type: T,
    predicate: (event: ClientEventOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ClientEventOf<T>> {
    return this.host.waitFor(() => this.eventsOf(type).find(predicate), timeoutMs, `client event ${type}`);
  }

  /** Server events of one type that were sent, oldest first. */
  sentOf(type: string): SentServerEvent['event'][] {
    return this.sent.filter((s) => s.event.type === type).map((s) => s.event);
  }

  // ---- fault controls ------------------------------------------------------------------

  /** Kills the TCP connection without a close frame (the client sees 1006). */
  dropSocket(): void {
    this.socket.terminate();
  }

  /** Closes the socket cleanly with a code and reason. */
  close(code = 1000, reason = 'closed by test'): void {
    this.socket.close(code, reason);
  }

  /** Sends an `error` event (defaults: a server error). */
  sendError(error: Partial<ApiError> = {}): void {
    this.send('error', {
      error: {
        type: 'server_error',
        code: null,
        message: 'The server had an error.',
        param: null,
        event_id: null,
        ...error,
      },
    });
  }

  /** The next response waits this much longer before its first output. */
  delayNextResponse(ms: number): void {
    this.extraDelayMs += ms;
  }

  /** Sends what a robust client must survive: invalid JSON, a wrong shape, an unknown type. */
  sendMalformed(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send('{"type":"response.output_audio.delta",');
    this.socket.send(
      JSON.stringify({ type: 'response.output_audio.delta', event_id: newId('event'), delta: 42 }),
    );
    this.socket.send(JSON.stringify({ type: 'fake.unknown_event', event_id: newId('event') }));
  }

  /** Reports exhausted rate limits, then the error the API sends when a request hits them. */
  rateLimit(): void {
    this.send('rate_limits.updated', {
      rate_limits: [
        { name: 'requests', limit: 1_000, remaining: 0, reset_seconds: 1.5 },
        { name: 'tokens', limit: 40_000, remaining: 0, reset_seconds: 6 },
      ],
    });
    this.sendError({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests.',
    });
  }

  /**
   * The server's end of a session at its maximum duration: an `error` (`session_expired`),
   * then a close 1001 with the same words. Shape from real sessions: livekit/agents#2358 and
   * twilio-samples/speech-assistant-openai-realtime-api-python#10 (the error event),
   * pollen-robotics/reachy_mini_conversation_app#134 (close 1001 "Your session hit the
   * maximum duration of 60 minutes."). The GA limit is 60 minutes (PROTOCOLS.md, corrections).
   */
  expire(): void {
    const message = `Your session hit the maximum duration of ${durationWords(this.host.maxSessionMs)}.`;
    this.sendError({ type: 'invalid_request_error', code: 'session_expired', message });
    this.socket.close(1001, message);
  }

  // ---- protocol --------------------------------------------------------------------------

  /** Sends a server event; false when the socket is no longer open. */
  send(type: string, payload: Record<string, unknown> = {}): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    const audio = type === AUDIO_OUT;
    const format = audio ? this.outputFormat : undefined;
    const event: SentServerEvent['event'] = { type, event_id: newId('event'), ...payload };
    if (format && format !== 'audio/pcmu' && typeof event.delta === 'string') {
      event.delta = encodeAgentAudio(Buffer.from(event.delta, 'base64'), format).toString('base64');
    }
    this.socket.send(JSON.stringify(event));
    const at = performance.now();
    if (this.recordAudio || !audio) this.sent.push({ at, event, ...(format ? { format } : {}) });
    this.host.hooks.onServerEvent?.(this, event, at);
    this.host.notify();
    return true;
  }

  private fail(error: ApiError): void {
    this.send('error', { error });
  }

  private onMessage(text: string, isBinary: boolean): void {
    const receivedAt = performance.now();
    if (isBinary) {
      this.fail(invalidRequest('invalid_message', 'Binary messages are not supported.'));
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.fail(invalidRequest('invalid_json', 'The message is not valid JSON.'));
      return;
    }
    const parsed = clientEventSchema.safeParse(raw);
    if (!parsed.success) {
      const { type, event_id } = (raw ?? {}) as { type?: unknown; event_id?: unknown };
      const eventId = typeof event_id === 'string' ? event_id : null;
      const known = clientEventSchema.options.some((o) => o.shape.type.value === type);
      const issue = describeIssue(parsed.error);
      this.fail(
        known
          ? invalidRequest('invalid_value', issue.message, issue.param, eventId)
          : invalidRequest(
              'invalid_value',
              `Invalid value: '${String(type)}'. Unknown event type.`,
              'type',
              eventId,
            ),
      );
      return;
    }
    const audio = parsed.data.type === AUDIO_IN;
    if (this.recordAudio || !audio) {
      this.received.push({
        at: receivedAt,
        event: parsed.data,
        ...(audio ? { format: this.inputFormat } : {}),
      });
    }
    this.host.hooks.onClientEvent?.(this, parsed.data, receivedAt);
    const error = this.handle(parsed.data);
    if (error) this.fail({ ...error, event_id: parsed.data.event_id ?? null });
    this.host.notify();
  }

  /** Applies one client event; returns the API error it causes, if any. */
  private handle(event: ClientEvent): ApiError | undefined {
    switch (event.type) {
      case 'session.update':
        return this.updateSession(event.session);
      case 'input_audio_buffer.append':
        this.input.append(this.asHeard(event.audio));
        return undefined;
      case 'input_audio_buffer.commit':
        if (this.input.buffered < MIN_COMMIT_MS) {
          return invalidRequest(
            'input_audio_buffer_commit_empty',
            `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${this.input.buffered}ms of audio.`,
          );
        }
        this.input.commit();
        return undefined;
      case 'input_audio_buffer.clear':
        this.input.clear();
        return undefined;
      case 'conversation.item.create':
        return this.createItem(event.item);
      case 'conversation.item.truncate': {
        const result = this.conversation.truncate(event.item_id, event.content_index, event.audio_end_ms);
        if ('message' in result) return result;
        this.send('conversation.item.truncated', {
          item_id: event.item_id,
          content_index: event.content_index,
          audio_end_ms: event.audio_end_ms,
        });
        return undefined;
      }
      case 'conversation.item.delete':
        if (!this.conversation.delete(event.item_id)) return itemNotFound(event.item_id);
        this.send('conversation.item.deleted', { item_id: event.item_id });
        return undefined;
      case 'conversation.item.retrieve': {
        const item = this.conversation.get(event.item_id);
        if (!item) return itemNotFound(event.item_id);
        this.send('conversation.item.retrieved', { item: itemToWire(item) });
        return undefined;
      }
      case 'response.create': {
        const rejection = this.host.takeResponseRejection();
        if (rejection) return rejection;
        const active = this.responder.active;
        if (active) {
          return invalidRequest(
            'conversation_already_has_active_response',
            `Conversation already has an active response in progress: ${active.id}. Wait until the response is finished before creating a new one.`,
          );
        }
        this.responder.respondTo(event.response);
        return undefined;
      }
      case 'response.cancel': {
        const active = this.responder.active;
        if (!active || (event.response_id !== undefined && event.response_id !== active.id)) {
          return invalidRequest(
            'response_cancel_not_active',
            'Cancellation failed: no active response found',
          );
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
  private updateSession(session: Record<string, unknown>): ApiError | undefined {
    const update = validateSessionUpdate(session, this.host.voices);
    if ('message' in update) return update;
    this.config = mergeSessionConfig(this.config, update);
    this.input.configure();
    this.send('session.updated', { session: this.config });
    return undefined;
  }

  /** Caller audio read in the session's input format (base64 again, for the VAD). */
  private asHeard(audio: string): string {
    const format = this.inputFormat;
    if (format === 'audio/pcmu') return audio;
    return decodeCallerAudio(Buffer.from(audio, 'base64'), format).toString('base64');
  }

  private createItem(raw: Record<string, unknown>): ApiError | undefined {
    const parsed = conversationItemSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = describeIssue(parsed.error);
      return invalidRequest('invalid_value', issue.message, `item.${issue.param}`);
    }
    const result = this.conversation.fromClient(parsed.data);
    if ('message' in result) return result;
    const previous = this.conversation.items.at(-1)?.id ?? null;
    this.conversation.add(result);
    this.responder.noteInput(result);
    this.send('conversation.item.added', { previous_item_id: previous, item: itemToWire(result) });
    this.send('conversation.item.done', { item: itemToWire(result) });
    return undefined;
  }

  private inputTokens(): number {
    const chars = this.conversation.items.reduce(
      (sum, i) => sum + i.text.length + (i.output?.length ?? 0),
      0,
    );
    const instructions = this.config.instructions?.length ?? 0;
    return (
      Math.ceil((chars + instructions) / CHARS_PER_TOKEN) +
      Math.ceil(this.input.totalMs / MS_PER_INPUT_AUDIO_TOKEN)
    );
  }
}

/** "60 minutes", or seconds for a limit a test shrank below a minute. */
function durationWords(ms: number): string {
  const minutes = ms / 60_000;
  return Number.isInteger(minutes) ? `${minutes} minutes` : `${Math.round(ms / 1_000)} seconds`;
}

function itemNotFound(itemId: string): ApiError {
  return invalidRequest('item_not_found', `Item with item_id '${itemId}' not found.`, 'item_id');
}
