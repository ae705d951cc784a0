import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { AudioDelta } from './audio-delta.js';
import type { InvalidServerEvent, ServerEvent } from './server-events.js';

export type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';

/** What a model transport reports. Listeners must not throw; the session guards its own. */
export interface RealtimeTransportEvents {
  /** A server event the bridge understands (already validated). */
  event: [event: ServerEvent];
  /**
   * An agent audio chunk read on a transport's fast path (validated: base64 audio). A transport
   * may report deltas here or as `response.output_audio.delta` events; the bridge treats both alike.
   */
  audio: [delta: AudioDelta];
  /** A server event that was unknown or malformed: logged and counted, never acted on. */
  invalid: [problem: InvalidServerEvent];
  /** A transport problem (TLS, socket, unparseable frame); `close` follows when it is fatal. */
  error: [error: Error];
  /** The socket closed (1000 when we closed it; 1006 when it dropped). */
  close: [code: number, reason: string];
}

/**
 * One model session's connection. The production implementation wraps the `openai` SDK's GA
 * realtime WebSocket client; tests can supply their own that implements the same interface.
 */
export interface RealtimeTransport {
  on<K extends keyof RealtimeTransportEvents>(
    name: K,
    listener: (...args: RealtimeTransportEvents[K]) => void,
  ): void;
  /** Sends a client event; false when the socket is not open (nothing was sent). */
  send(event: RealtimeClientEvent): boolean;
  /**
   * Sends `input_audio_buffer.append` with this audio: base64 already checked, as bytes. The
   * caller's hot path, so a transport may write the message without building an object.
   */
  appendAudio(audio: Uint8Array): boolean;
  close(): void;
}

/** Opens a new model connection (one per model session; a restore opens another). */
export type RealtimeTransportFactory = () => RealtimeTransport;
