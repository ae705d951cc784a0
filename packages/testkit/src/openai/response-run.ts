import { MULAW_BYTES_PER_MS } from '../audio/mulaw.js';
import { type FakeItem, itemToWire } from './conversation.js';
import { newId } from './ids.js';
import type { ScriptReply } from './script.js';
import { synthesizeSpeech } from './speech.js';
import { VAD_FRAME_MS } from './vad.js';

/** How a response is produced. */
export interface ResponsePacing {
  /** Audio production speed as a multiple of real time (4 = four times faster than it plays). */
  audioPace: number;
  /** Milliseconds of audio per `response.output_audio.delta`, on average. */
  audioChunkMs: number;
  /**
   * How much chunk sizes vary around `audioChunkMs` (0: all equal; 0.5: from half to one and a
   * half times it). The real API streams deltas of varying size (PROTOCOLS.md corrections).
   */
  audioChunkJitter: number;
  /** Length of generated speech per character of text. */
  speechMsPerChar: number;
  /** Wait before the first output item ("time to first audio"). */
  firstOutputDelayMs: number;
  /**
   * When set, chunks are scheduled on a drift-corrected clock from the first one, this many
   * milliseconds of audio ahead of it (sent at once, as the real API bursts ahead of playback);
   * when unset, the run sleeps a fixed `audioChunkMs / audioPace` after each chunk.
   */
  audioLeadMs?: number;
}

export type CancelReason = 'client_cancelled' | 'turn_detected';

/** A response's own settings: its metadata, and the instructions in force for it. */
export interface ResponseOptions {
  metadata: Record<string, string> | null;
  instructions: string;
}

/**
 * Chunk size factors, cycled (deterministic): sizes vary like the real deltas without a
 * random source, so a test sees the same chunks every run.
 */
const CHUNK_SIZE_PATTERN = [1, 0.4, 1.6, 0.7, 1.3, 0.2, 1.8, 1] as const;
/** The error a `failed` response reports (`RealtimeResponseStatus.Error`). */
const FAILED_DETAILS = {
  type: 'failed',
  error: { type: 'server_error', code: 'server_error' },
} as const;
/** Share of the line an `incomplete` response says before running out of output tokens. */
const INCOMPLETE_SHARE = 0.5;
/** What the run needs from its session. */
export interface ResponseHost {
  /** Sends a server event; false once the socket is gone (the run then stops quietly). */
  send(type: string, payload: Record<string, unknown>): boolean;
  addItem(item: FakeItem): void;
  lastItemId(): string | null;
  inputTokens(): number;
  /** Supplies the bytes of each audio delta from the generated chunk (benchmark markers). */
  outputAudio?(chunk: Buffer): Buffer;
}

/** Rough token counts for `usage`, in the proportions the real API reports. */
const CHARS_PER_TEXT_TOKEN = 4;
const AUDIO_MS_PER_TOKEN = 50;

/**
 * One model response: speaks a line (audio deltas at a set pace, with its transcript) and/or
 * calls functions, then `response.done`. Cancellation stops it between chunks, as the API does.
 */
export class ResponseRun {
  readonly id = newId('resp');
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete' = 'in_progress';
  readonly outputs: FakeItem[] = [];
  /** The line this response speaks, as the persona in force says it. */
  said: string | undefined;
  /** Tokens the response used (its `usage.total_tokens`), once done. */
  totalTokens = 0;
  private cancelReason: CancelReason | undefined;
  private wake: (() => void) | undefined;
  private outputAudioMs = 0;
  private outputChars = 0;

  constructor(
    private readonly host: ResponseHost,
    private readonly pacing: ResponsePacing,
    private readonly options: ResponseOptions,
  ) {}

  get active(): boolean {
    return this.status === 'in_progress';
  }

  /** The instructions in force for this response (its own, or the session's). */
  get instructions(): string {
    return this.options.instructions;
  }

  get metadata(): Record<string, string> | null {
    return this.options.metadata;
  }

  /** Audio this response produced (ms). */
  get audioMs(): number {
    return this.outputs.reduce((sum, item) => sum + item.audioMs, 0);
  }

  /** Stops the response at the next chunk; false when it is not in progress. */
  cancel(reason: CancelReason): boolean {
    if (!this.active || this.cancelReason) return false;
    this.cancelReason = reason;
    this.wake?.();
    return true;
  }

  /** Plays the reply out; true once `response.done` was sent. */
  async run(reply: ScriptReply): Promise<boolean> {
    this.said = reply.say;
    if (!this.host.send('response.created', { response: this.wire([]) })) return false;
    await this.sleep(this.pacing.firstOutputDelayMs);
    if (reply.end === 'failed') return this.finish('failed');
    if (reply.say && !this.cancelReason) {
      const share = reply.end === 'incomplete' ? INCOMPLETE_SHARE : 1;
      await this.speak(reply.say, share, reply.audioAfterMs ?? 0);
      if (reply.end === 'incomplete') return this.finish('incomplete');
    }
    for (const call of reply.calls ?? []) {
      if (this.cancelReason) break;
      if (!this.callFunction(call.name, call.arguments, call.callId)) return false;
    }
    return this.finish(this.cancelReason ? 'cancelled' : 'completed');
  }

  private finish(status: Exclude<ResponseRun['status'], 'in_progress'>): boolean {
    this.status = this.cancelReason ? 'cancelled' : status;
    return this.host.send('response.done', { response: this.wire(this.outputs.map(itemToWire)) });
  }

  /** Speaks `share` of the line (less than all of it when the response runs out of tokens). */
  private async speak(text: string, share: number, audioAfterMs: number): Promise<void> {
    const item: FakeItem = {
      id: newId('item'),
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      text: '',
      audio: true,
      audioMs: 0,
    };
    const outputIndex = this.outputs.length;
    const at = { response_id: this.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    const previous = this.host.lastItemId();
    this.outputs.push(item);
    this.host.addItem(item);
    this.host.send('response.output_item.added', {
      response_id: this.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    this.host.send('conversation.item.added', { previous_item_id: previous, item: itemToWire(item) });
    this.host.send('response.content_part.added', { ...at, part: { type: 'output_audio', transcript: '' } });
    if (audioAfterMs > 0) await this.sleep(audioAfterMs);

    const totalMs = Math.max(this.pacing.audioChunkMs, text.length * this.pacing.speechMsPerChar);
    // Made chunk by chunk as it is spoken: a long line never sits in memory whole.
    const totalBytes = Math.max(0, Math.round(totalMs * MULAW_BYTES_PER_MS));
    const spokenBytes = Math.round(totalBytes * share);
    const words = text.split(/\s+/).filter(Boolean);
    const startedAt = performance.now();
    let wordsSent = 0;
    let chunksSent = 0;
    let length = 0;
    for (let offset = 0; offset < spokenBytes; offset += length) {
      if (this.cancelReason || item.truncatedAtMs !== undefined) break;
      length = Math.min(this.chunkBytes(chunksSent), spokenBytes - offset);
      const generated = synthesizeSpeech(length / MULAW_BYTES_PER_MS, offset / MULAW_BYTES_PER_MS);
      const chunk = this.host.outputAudio?.(generated) ?? generated;
      if (!this.host.send('response.output_audio.delta', { ...at, delta: chunk.toString('base64') })) return;
      item.audioMs += chunk.length / MULAW_BYTES_PER_MS;
      const wordsDue = Math.round((words.length * (offset + length)) / totalBytes);
      if (wordsDue > wordsSent) {
        const delta = `${wordsSent > 0 ? ' ' : ''}${words.slice(wordsSent, wordsDue).join(' ')}`;
        wordsSent = wordsDue;
        item.text += delta;
        this.host.send('response.output_audio_transcript.delta', { ...at, delta });
      }
      chunksSent++;
      await this.paceAfter(startedAt, offset + length);
    }
    const complete = item.audioMs >= totalMs && item.truncatedAtMs === undefined;
    item.status = complete ? 'completed' : 'incomplete';
    this.outputAudioMs += item.audioMs;
    this.outputChars += item.text.length;
    this.host.send('response.output_audio.done', at);
    this.host.send('response.output_audio_transcript.done', { ...at, transcript: item.text });
    this.host.send('response.content_part.done', {
      ...at,
      part: { type: 'output_audio', transcript: item.text },
    });
    this.host.send('response.output_item.done', {
      response_id: this.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    this.host.send('conversation.item.done', { item: itemToWire(item) });
  }

  private callFunction(name: string, args: unknown, callId = newId('call')): boolean {
    const argumentsText = typeof args === 'string' ? args : JSON.stringify(args);
    const item: FakeItem = {
      id: newId('item'),
      type: 'function_call',
      status: 'in_progress',
      text: '',
      audio: false,
      audioMs: 0,
      callId,
      name,
      arguments: '',
    };
    const outputIndex = this.outputs.length;
    const previous = this.host.lastItemId();
    this.outputs.push(item);
    this.host.addItem(item);
    const at = { response_id: this.id, item_id: item.id, output_index: outputIndex, call_id: callId };
    this.host.send('response.output_item.added', {
      response_id: this.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    this.host.send('conversation.item.added', { previous_item_id: previous, item: itemToWire(item) });
    this.host.send('response.function_call_arguments.delta', { ...at, delta: argumentsText });
    item.arguments = argumentsText;
    item.status = 'completed';
    this.outputChars += argumentsText.length;
    this.host.send('response.function_call_arguments.done', { ...at, name, arguments: argumentsText });
    this.host.send('response.output_item.done', {
      response_id: this.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    return this.host.send('conversation.item.done', { item: itemToWire(item) });
  }

  /**
   * Bytes of the `index`-th chunk, varying around the average. Whole 20 ms frames (at least
   * one), so a benchmark's per-frame markers stay aligned with what the caller hears.
   */
  private chunkBytes(index: number): number {
    const { audioChunkMs, audioChunkJitter } = this.pacing;
    const factor = CHUNK_SIZE_PATTERN[index % CHUNK_SIZE_PATTERN.length] as number;
    const frames = Math.round((audioChunkMs * (1 + (factor - 1) * audioChunkJitter)) / VAD_FRAME_MS);
    return Math.max(1, frames) * VAD_FRAME_MS * MULAW_BYTES_PER_MS;
  }

  private wire(output: unknown[]): Record<string, unknown> {
    const done = this.status !== 'in_progress';
    return {
      object: 'realtime.response',
      id: this.id,
      status: this.status,
      status_details: this.statusDetails(),
      output,
      conversation_id: 'conv_fake',
      output_modalities: ['audio'],
      metadata: this.options.metadata,
      usage: done ? this.usage() : null,
    };
  }

  private statusDetails(): Record<string, unknown> | null {
    switch (this.status) {
      case 'cancelled':
        return { type: 'cancelled', reason: this.cancelReason };
      case 'failed':
        return FAILED_DETAILS;
      case 'incomplete':
        return { type: 'incomplete', reason: 'max_output_tokens' };
      default:
        return null;
    }
  }

  private usage(): Record<string, unknown> {
    const inputTokens = this.host.inputTokens();
    const audioTokens = Math.ceil(this.outputAudioMs / AUDIO_MS_PER_TOKEN);
    const textTokens = Math.ceil(this.outputChars / CHARS_PER_TEXT_TOKEN);
    this.totalTokens = inputTokens + audioTokens + textTokens;
    return {
      total_tokens: inputTokens + audioTokens + textTokens,
      input_tokens: inputTokens,
      output_tokens: audioTokens + textTokens,
      input_token_details: { text_tokens: inputTokens, audio_tokens: 0, cached_tokens: 0 },
      output_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
    };
  }

  /**
   * Waits until the next chunk is due, `sentBytes` of audio into the line: on a clock running
   * `audioPace` times faster than play-out, `audioLeadMs` ahead of it (a burst at the start).
   */
  private paceAfter(startedAt: number, sentBytes: number): Promise<void> {
    const { audioPace, audioLeadMs = 0 } = this.pacing;
    const due = startedAt + (sentBytes / MULAW_BYTES_PER_MS - audioLeadMs) / audioPace;
    return this.sleep(Math.max(0, due - performance.now()));
  }

  private sleep(ms: number): Promise<void> {
    if (this.cancelReason) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Number.isFinite(ms) ? ms : 0);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
