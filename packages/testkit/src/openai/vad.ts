import { MULAW_BYTES_PER_MS, mulawRms } from '../audio/mulaw.js';

/** The fake analyses caller audio in frames of this length (Twilio's frame size). */
export const VAD_FRAME_MS = 20;
const VAD_FRAME_BYTES = VAD_FRAME_MS * MULAW_BYTES_PER_MS;

/**
 * RMS level that the API's `threshold` is scaled by: threshold 0.5 (the default) means a
 * frame at -26 dBFS or louder is speech. Loud noise is far above, digital silence is 0.
 */
export const VAD_LEVEL_PER_THRESHOLD = 0.1;

/** Server VAD parameters, with the API's defaults. */
export interface VadSettings {
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
  /** Continuous speech needed before `speech_started` (a click is not speech). */
  minSpeechMs: number;
}

export const DEFAULT_VAD: VadSettings = {
  threshold: 0.5,
  prefixPaddingMs: 300,
  silenceDurationMs: 500,
  minSpeechMs: 40,
};

/** What the detector saw, in milliseconds of input audio since the session started. */
export type VadEvent =
  | { type: 'speech_started'; audioStartMs: number }
  | { type: 'speech_stopped'; audioEndMs: number };

/**
 * Energy-based voice activity detection over mu-law frames, the fake's stand-in for the
 * server VAD: a run of loud frames starts speech, a run of quiet ones longer than
 * `silenceDurationMs` stops it.
 */
export class EnergyVad {
  private pending = Buffer.alloc(0);
  private processedMs = 0;
  private speaking = false;
  private speechRunMs = 0;
  private speechRunStartMs = 0;
  private silenceRunMs = 0;
  private silenceRunStartMs = 0;

  constructor(private settings: VadSettings) {}

  configure(settings: VadSettings): void {
    this.settings = settings;
  }

  /** Whether the caller is speaking right now (between `speech_started` and `speech_stopped`). */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds appended audio; returns the transitions it caused, in order. */
  push(audio: Uint8Array): VadEvent[] {
    const events: VadEvent[] = [];
    this.pending = this.pending.length === 0 ? Buffer.from(audio) : Buffer.concat([this.pending, audio]);
    let offset = 0;
    while (this.pending.length - offset >= VAD_FRAME_BYTES) {
      const frame = this.pending.subarray(offset, offset + VAD_FRAME_BYTES);
      offset += VAD_FRAME_BYTES;
      const event = this.frame(mulawRms(frame) >= this.settings.threshold * VAD_LEVEL_PER_THRESHOLD);
      if (event) events.push(event);
    }
    this.pending = Buffer.from(this.pending.subarray(offset));
    return events;
  }

  private frame(loud: boolean): VadEvent | undefined {
    const frameStartMs = this.processedMs;
    this.processedMs += VAD_FRAME_MS;
    if (!this.speaking) {
      if (!loud) {
        this.speechRunMs = 0;
        return undefined;
      }
      if (this.speechRunMs === 0) this.speechRunStartMs = frameStartMs;
      this.speechRunMs += VAD_FRAME_MS;
      if (this.speechRunMs < this.settings.minSpeechMs) return undefined;
      this.speaking = true;
      this.silenceRunMs = 0;
      return {
        type: 'speech_started',
        audioStartMs: Math.max(0, this.speechRunStartMs - this.settings.prefixPaddingMs),
      };
    }
    if (loud) {
      this.silenceRunMs = 0;
      return undefined;
    }
    if (this.silenceRunMs === 0) this.silenceRunStartMs = frameStartMs;
    this.silenceRunMs += VAD_FRAME_MS;
    if (this.silenceRunMs < this.settings.silenceDurationMs) return undefined;
    this.speaking = false;
    this.speechRunMs = 0;
    return { type: 'speech_stopped', audioEndMs: this.silenceRunStartMs };
  }
}
