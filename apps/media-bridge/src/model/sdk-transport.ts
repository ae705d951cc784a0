import { EventEmitter } from 'node:events';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { type RawData, WebSocket } from 'ws';
import { AudioDeltaReader } from './audio-delta.js';
import { parseServerEvent } from './server-events.js';
import type {
  RealtimeClientEvent,
  RealtimeTransport,
  RealtimeTransportEvents,
  RealtimeTransportFactory,
} from './transport.js';

export interface SdkTransportOptions {
  apiKey: string;
  /** `OPENAI_BASE_URL`; the SDK's default when undefined. */
  baseURL: string | undefined;
  model: string;
  /** Extra CA to trust (the local fake's certificate). Verification is never turned off. */
  ca: string | undefined;
  /** Limit of the TLS + WebSocket upgrade handshake (ms). */
  handshakeTimeoutMs: number;
}

/** `{"type":"input_audio_buffer.append","audio":"` … `"}`, as `JSON.stringify` writes it. */
const APPEND_PREFIX = Buffer.from('{"type":"input_audio_buffer.append","audio":"', 'latin1');
const APPEND_SUFFIX = Buffer.from('"}', 'latin1');
/** Client events are text frames, whether built as strings or as bytes. */
const TEXT_FRAME = { binary: false } as const;

/**
 * The production transport: the `openai` SDK's GA realtime WebSocket client
 * (`openai/realtime/ws`). Server events are validated here, once, into `ServerEvent`s.
 *
 * Two messages skip the SDK's `JSON.stringify` / `JSON.parse`, because they come and go every
 * 20 ms: caller audio is written as bytes straight onto the SDK's socket, and agent audio deltas
 * are read from the socket's bytes (`audio-delta.ts`) before the SDK sees them. Every other
 * message goes through the SDK as before: its own socket listener is moved behind ours.
 */
class SdkRealtimeTransport implements RealtimeTransport {
  private readonly emitter = new EventEmitter<RealtimeTransportEvents>();
  private readonly rt: OpenAIRealtimeWS;
  private readonly deltas = new AudioDeltaReader();

  constructor(client: OpenAI, options: SdkTransportOptions) {
    this.rt = new OpenAIRealtimeWS(
      {
        model: options.model,
        options: {
          handshakeTimeout: options.handshakeTimeoutMs,
          ...(options.ca ? { ca: options.ca } : {}),
        },
      },
      client,
    );
    this.rt.on('event', (raw) => {
      const parsed = parseServerEvent(raw);
      if (parsed.ok) this.emitter.emit('event', parsed.event);
      else if (!parsed.ignored) this.emitter.emit('invalid', parsed.invalid);
    });
    this.rt.on('error', (error) => {
      // API `error` events already arrived through 'event'; only transport problems remain here.
      if (error.error === undefined) this.emitter.emit('error', error);
    });
    this.rt.socket.on('close', (code, reason) => this.emitter.emit('close', code, reason.toString()));
    this.readDeltasFirst();
  }

  /** Puts the fast path for audio deltas in front of the SDK's own message listener. */
  private readDeltasFirst(): void {
    const socket = this.rt.socket;
    const sdkListeners = socket.listeners('message') as Array<(data: RawData, isBinary: boolean) => void>;
    socket.removeAllListeners('message');
    socket.on('message', (data, isBinary) => {
      if (!isBinary && Buffer.isBuffer(data)) {
        const delta = this.deltas.read(data);
        if (delta === 'invalid') {
          this.emitter.emit('invalid', {
            kind: 'malformed',
            type: 'response.output_audio.delta',
            issues: ['delta: not base64'],
          });
          return;
        }
        if (delta !== 'other') {
          this.emitter.emit('audio', delta);
          return;
        }
      }
      for (const listener of sdkListeners) listener.call(socket, data, isBinary);
    });
  }

  on<K extends keyof RealtimeTransportEvents>(
    name: K,
    listener: (...args: RealtimeTransportEvents[K]) => void,
  ): void {
    this.emitter.on(name, listener as never);
  }

  send(event: RealtimeClientEvent): boolean {
    if (this.rt.socket.readyState !== WebSocket.OPEN) return false;
    this.rt.send(event);
    return true;
  }

  appendAudio(audio: Uint8Array): boolean {
    if (this.rt.socket.readyState !== WebSocket.OPEN) return false;
    const message = Buffer.allocUnsafe(APPEND_PREFIX.length + audio.length + APPEND_SUFFIX.length);
    APPEND_PREFIX.copy(message, 0);
    message.set(audio, APPEND_PREFIX.length);
    APPEND_SUFFIX.copy(message, APPEND_PREFIX.length + audio.length);
    this.rt.socket.send(message, TEXT_FRAME);
    return true;
  }

  close(): void {
    if (this.rt.socket.readyState === WebSocket.CONNECTING) this.rt.socket.terminate();
    else this.rt.close({ code: 1000, reason: 'session ended' });
  }
}

/** A factory of SDK-backed transports sharing one OpenAI client. */
export function createSdkTransportFactory(options: SdkTransportOptions): RealtimeTransportFactory {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
  });
  return () => new SdkRealtimeTransport(client, options);
}
