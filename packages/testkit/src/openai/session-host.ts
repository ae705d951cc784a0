import type { ApiError } from './api-error.js';
import type { ClientEvent } from './client-events.js';
import type { FakeRealtimeSession } from './fake-session.js';
import type { ResponsePacing } from './response-run.js';
import type { ScriptPlayer } from './script.js';
import type { WireFormat } from './wire-audio.js';

/**
 * Hooks for benchmarks, which time audio through the fake. None changes what the fake says or
 * does; a hook runs inside a socket listener, so it must not throw.
 */
export interface FakeRealtimeHooks {
  /** Every client event as parsed, with the `performance.now()` at which its message arrived. */
  onClientEvent?(session: FakeRealtimeSession, event: ClientEvent, receivedAt: number): void;
  /** Every server event as it is sent, with the `performance.now()` at which it was sent. */
  onServerEvent?(session: FakeRealtimeSession, event: SentServerEvent['event'], sentAt: number): void;
  /**
   * The bytes of each agent audio delta, given the generated chunk (return it as is, changed,
   * or replaced by as many bytes): e.g. a marker stamped into every 20 ms frame. Called just
   * before the delta is sent.
   */
  outputAudio?(session: FakeRealtimeSession, chunk: Buffer): Buffer;
  /**
   * Keep every `input_audio_buffer.append` in `received` and every `response.output_audio.delta`
   * in `sent` (default true). A long load run turns it off to bound memory.
   */
  recordAudio?: boolean;
}

/** What a session needs from its server. */
export interface SessionHost {
  readonly hooks: FakeRealtimeHooks;
  readonly script: ScriptPlayer;
  readonly minSpeechMs: number;
  /** Delay of each input transcription after its commit (ms). */
  readonly transcriptionDelayMs: number;
  /** When the server ends a session (GA: 60 minutes). */
  readonly maxSessionMs: number;
  /** The voices this deployment accepts. */
  readonly voices: readonly string[];
  pacing(): ResponsePacing;
  /** Extra delay of the next response, set server-wide (consumed once). */
  takeResponseDelay(): number;
  /** The error that refuses the next `response.create`, if one is due (set server-wide, consumed once). */
  takeResponseRejection(): ApiError | undefined;
  /** Something was received or sent: wake up whoever waits. */
  notify(): void;
  waitFor<T>(probe: () => T | undefined | false | null, timeoutMs: number, what: string): Promise<T>;
}

/** A server event as sent, with its time (`performance.now()` ms). */
export interface SentServerEvent {
  at: number;
  event: { type: string; event_id: string; [key: string]: unknown };
  /** For agent audio: the session's output format it was sent in (a phone expects `audio/pcmu`). */
  format?: WireFormat;
}
