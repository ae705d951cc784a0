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
}

/**
 * The input audio buffer: appended mu-law audio, server VAD over it (speech started and
 * stopped, then a committed user item whose transcript comes from the script).
 */
export class InputAudio {
  private readonly vad: EnergyVad;
  private vadEnabled = true;
  private bufferedMs = 0;
  private speechItemId: string | undefined;
  /** Input audio received since the session started (ms). */
  totalMs = 0;

  constructor(
    private readonly host: InputAudioHost,
    private readonly minSpeechMs: number,
  ) {
    this.vad = new EnergyVad({ ...DEFAULT_VAD, minSpeechMs });
    this.configure();
  }

  /** Re-reads turn detection after a `session.update`. */
  configure(): void {
    const settings = vadSettingsOf(this.host.config().audio?.input?.turn_detection, this.minSpeechMs);
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
  }

  clear(): void {
    this.bufferedMs = 0;
    this.host.send('input_audio_buffer.cleared');
  }

  /** Turns the buffered caller audio into a user item; the script says what it "said". */
  commit(itemId = newId('item'), respond = false): void {
    const conversation = this.host.conversation;
    const previous = conversation.items.at(-1)?.id ?? null;
    this.bufferedMs = 0;
    const item: FakeItem = {
      id: itemId,
      type: 'message',
      role: 'user',
      status: 'in_progress',
      text: '',
      audio: true,
      audioMs: 0,
    };
    conversation.add(item);
    this.host.send('input_audio_buffer.committed', { previous_item_id: previous, item_id: itemId });
    this.host.send('conversation.item.added', { previous_item_id: previous, item: itemToWire(item) });
    item.text = this.host.script.nextCallerTranscript();
    item.status = 'completed';
    this.host.send('conversation.item.done', { item: itemToWire(item) });
    this.host.committed(item, respond);
    if (this.host.config().audio?.input?.transcription) {
      this.host.send('conversation.item.input_audio_transcription.completed', {
        item_id: itemId,
        content_index: 0,
        transcript: item.text,
        usage: { type: 'duration', seconds: Math.max(1, Math.round(this.totalMs / 1_000)) },
      });
    }
  }

  private onVad(event: VadEvent): void {
    const detection = this.host.config().audio?.input?.turn_detection;
    if (event.type === 'speech_started') {
      this.speechItemId = newId('item');
      this.host.send('input_audio_buffer.speech_started', {
        audio_start_ms: event.audioStartMs,
        item_id: this.speechItemId,
      });
      if (detection?.interrupt_response !== false) this.host.interrupt();
      return;
    }
    const itemId = this.speechItemId ?? newId('item');
    this.speechItemId = undefined;
    this.host.send('input_audio_buffer.speech_stopped', { audio_end_ms: event.audioEndMs, item_id: itemId });
    this.commit(itemId, detection?.create_response !== false);
  }
}
