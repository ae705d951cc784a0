import { MULAW_BYTES_PER_MS } from '../audio/mulaw.js';
import type { FakeSessionConfig } from './client-events.js';
import type { Conversation, FakeItem } from './conversation.js';
import { itemToWire } from './conversation.js';
import { newId } from './ids.js';
import type { ScriptPlayer } from './script.js';
import { vadSettingsOf } from './session-defaults.js';
import { DEFAULT_VAD, EnergyVad, type VadEvent } from './vad.js';

/** The API refuses to commit less audio than this. */
export const MIN_COMMIT_MS = 100;

/** What the input side needs from its session. */
export interface InputAudioHost {
  readonly conversation: Conversation;
  readonly script: ScriptPlayer;
  config(): FakeSessionConfig;
  send(type: string, payload?: Record<string, unknown>): boolean;
  /** Speech started while the agent talks: cancel its response (`interrupt_response`). */
  interrupt(): void;
  /** A caller turn was committed; `respond` when turn detection creates the response. */
  committed(item: FakeItem, respond: boolean): void;
  /** A response is being generated (the idle timeout does not run meanwhile). */
  responding(): boolean;
}

/** How the input side behaves in time. */
export interface InputAudioTiming {
  /** Continuous speech needed before `speech_started`. */
  minSpeechMs: number;
  /**
   * Wall-clock delay of the input transcription after the commit. Transcription runs beside
   * the response, so it normally lands after `response.created` (PROTOCOLS.md corrections).
   */
  transcriptionDelayMs: number;
}

/**
 * The input audio buffer: appended mu-law audio, server VAD over it (speech started and
 * stopped, then a committed user item; the script says what it "said"), the input
 * transcription some time later (or its failure), and the idle timeout.
 */
export class InputAudio {
  private readonly vad: EnergyVad;
  private vadEnabled = true;
  private bufferedMs = 0;
  private speechItemId: string | undefined;
  /** Input audio position from which silence counts towards `idle_timeout_ms`. */
  private idleFromMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Input audio received since the session started (ms). */
  totalMs = 0;

  constructor(
    private readonly host: InputAudioHost,
    private readonly timing: InputAudioTiming,
  ) {
    this.vad = new EnergyVad({ ...DEFAULT_VAD, minSpeechMs: timing.minSpeechMs });
    this.configure();
  }

  /** Re-reads turn detection after a `session.update`. */
  configure(): void {
    const settings = vadSettingsOf(this.host.config().audio?.input?.turn_detection, this.timing.minSpeechMs);
    this.vadEnabled = settings !== undefined;
    if (settings) this.vad.configure(settings);
  }

  get buffered(): number {
    return this.bufferedMs;
  }

  append(audio: string): void {
    const bytes = Buffer.from(audio, 'base64');
    const ms = bytes.length / MULAW_BYTES_PER_MS;
    this.totalMs += ms;
    this.bufferedMs += ms;
    if (!this.vadEnabled) return;
    for (const event of this.vad.push(bytes)) this.onVad(event);
    this.checkIdle();
  }

  clear(): void {
    this.bufferedMs = 0;
    this.host.send('input_audio_buffer.cleared');
  }

  /**
   * A response ended: the caller hears its audio from about when it started, so silence
   * counts from the estimated end of that playback ("audio … after the playback time of the
   * last model response": `InputAudioBufferTimeoutTriggered.audio_start_ms` in realtime.d.ts).
   */
  responseEnded(startedAtInputMs: number, audioMs: number): void {
    this.idleFromMs = Math.max(this.idleFromMs, startedAtInputMs + audioMs);
  }

  /** Turns the buffered caller audio into a user item; the script says what it "said". */
  commit(itemId = newId('item'), respond = false, idle = false): void {
    const conversation = this.host.conversation;
    const previous = conversation.items.at(-1)?.id ?? null;
    this.bufferedMs = 0;
    const utterance = idle ? undefined : this.host.script.nextCallerUtterance();
    const item: FakeItem = {
      id: itemId,
      type: 'message',
      role: 'user',
      status: 'completed',
      // The model hears the audio itself; only the transcript event waits for transcription.
      text: utterance?.transcript ?? '',
      audio: true,
      audioMs: 0,
      idle,
    };
    conversation.add(item);
    this.host.send('input_audio_buffer.committed', { previous_item_id: previous, item_id: itemId });
    this.host.send('conversation.item.added', { previous_item_id: previous, item: itemToWire(item) });
    this.host.send('conversation.item.done', { item: itemToWire(item) });
    this.host.committed(item, respond);
    if (this.host.config().audio?.input?.transcription) {
      this.later(this.timing.transcriptionDelayMs, () =>
        this.transcribe(item, utterance?.transcriptionFails ?? false),
      );
    }
  }

  /** The session is gone: nothing more is sent. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private transcribe(item: FakeItem, fails: boolean): void {
    if (fails) {
      // Shape: `ConversationItemInputAudioTranscriptionFailedEvent` (realtime.d.ts).
      this.host.send('conversation.item.input_audio_transcription.failed', {
        item_id: item.id,
        content_index: 0,
        error: {
          type: 'transcription_error',
          code: 'audio_unintelligible',
          message: 'Audio could not be transcribed.',
          param: null,
        },
      });
      return;
    }
    item.transcribed = true;
    this.host.send('conversation.item.input_audio_transcription.completed', {
      item_id: item.id,
      content_index: 0,
      transcript: item.text,
      usage: { type: 'duration', seconds: Math.max(1, Math.round(this.totalMs / 1_000)) },
    });
  }

  /**
   * `idle_timeout_ms` (server VAD only): that much input audio without speech after the last
   * response's playback, while nothing is being generated, commits the silence and the model
   * answers it (`InputAudioBufferTimeoutTriggered`, realtime.d.ts; PROTOCOLS.md corrections).
   */
  private checkIdle(): void {
    const detection = this.host.config().audio?.input?.turn_detection;
    if (detection?.type !== 'server_vad' || !detection.idle_timeout_ms) return;
    if (this.vad.inSpeech || this.host.responding()) {
      this.idleFromMs = this.totalMs;
      return;
    }
    if (this.totalMs - this.idleFromMs < detection.idle_timeout_ms) return;
    const itemId = newId('item');
    this.host.send('input_audio_buffer.timeout_triggered', {
      audio_start_ms: Math.round(this.idleFromMs),
      audio_end_ms: Math.round(this.totalMs),
      item_id: itemId,
    });
    this.idleFromMs = this.totalMs;
    this.commit(itemId, true, true);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private onVad(event: VadEvent): void {
    const detection = this.host.config().audio?.input?.turn_detection;
    if (event.type === 'speech_started') {
      this.speechItemId = newId('item');
      this.host.send('input_audio_buffer.speech_started', {
        audio_start_ms: event.audioStartMs,
        item_id: this.speechItemId,
      });
      // `interrupt_response: false` leaves the response running (ServerVad in realtime.d.ts).
      if (detection?.interrupt_response !== false) this.host.interrupt();
      return;
    }
    const itemId = this.speechItemId ?? newId('item');
    this.speechItemId = undefined;
    this.host.send('input_audio_buffer.speech_stopped', { audio_end_ms: event.audioEndMs, item_id: itemId });
    this.idleFromMs = this.totalMs;
    // `create_response: false` commits the turn and leaves the response to the client.
    this.commit(itemId, detection?.create_response !== false);
  }
}
