import { WebSocket } from 'ws';
import type { ApiError } from './api-error.js';
import { type ClientEventTarget, handleClientEvent } from './client-event-handler.js';
import type {
  ClientEventOf,
  ClientEventType,
  FakeSessionConfig,
  ReceivedClientEvent,
} from './client-events.js';
import { parseClientMessage } from './client-message.js';
import { Conversation } from './conversation.js';
import { newId } from './ids.js';
import { InputAudio } from './input-audio.js';
import { Responder } from './responder.js';
import type { ResponseRun } from './response-run.js';
import { defaultSessionConfig } from './session-defaults.js';
import {
  EXHAUSTED_RATE_LIMITS,
  expiryMessage,
  malformedMessages,
  RATE_LIMIT_ERROR,
  serverError,
} from './session-faults.js';
import type { SentServerEvent, SessionHost } from './session-host.js';
import { encodeAgentAudio, type WireFormat } from './wire-audio.js';

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
  private readonly target: ClientEventTarget;

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
    this.target = {
      conversation: this.conversation,
      input: this.input,
      responder: this.responder,
      host,
      inputFormat: () => this.inputFormat,
      config: () => this.config,
      setConfig: (config) => {
        this.config = config;
      },
      send,
    };
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
    this.send('error', { error: serverError(error) });
  }

  /** The next response waits this much longer before its first output. */
  delayNextResponse(ms: number): void {
    this.extraDelayMs += ms;
  }

  /** Sends what a robust client must survive: invalid JSON, a wrong shape, an unknown type. */
  sendMalformed(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    for (const message of malformedMessages()) this.socket.send(message);
  }

  /** Reports exhausted rate limits, then the error the API sends when a request hits them. */
  rateLimit(): void {
    this.send('rate_limits.updated', { rate_limits: EXHAUSTED_RATE_LIMITS });
    this.sendError(RATE_LIMIT_ERROR);
  }

  /**
   * The server's end of a session at its maximum duration: an `error` (`session_expired`),
   * then a close 1001 with the same words (sources beside `expiryMessage`).
   */
  expire(): void {
    const message = expiryMessage(this.host.maxSessionMs);
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
    const parsed = parseClientMessage(text, isBinary);
    if ('error' in parsed) {
      this.fail(parsed.error);
      return;
    }
    const { event } = parsed;
    const audio = event.type === AUDIO_IN;
    if (this.recordAudio || !audio) {
      this.received.push({ at: receivedAt, event, ...(audio ? { format: this.inputFormat } : {}) });
    }
    this.host.hooks.onClientEvent?.(this, event, receivedAt);
    const error = handleClientEvent(this.target, event);
    if (error) this.fail({ ...error, event_id: event.event_id ?? null });
    this.host.notify();
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
