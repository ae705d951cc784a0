import type { FakeSessionConfig, SessionUpdate, TurnDetectionConfig } from './session-schema.js';
import { DEFAULT_VAD, type VadSettings } from './vad.js';

/**
 * What `session.created` reports before any `session.update`: the API's defaults. A GA session
 * starts as `audio/pcm` at 24 kHz both ways (PROTOCOLS.md, corrections; the SDK's
 * `RealtimeAudioFormats.AudioPCM` has `rate: 24000` as its only rate); `expires_at` (epoch
 * seconds) is when the server ends it (openai/openai-realtime-api-beta#23 shows the field).
 */
export function defaultSessionConfig(id: string, model: string, expiresAt: number): FakeSessionConfig {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    expires_at: expiresAt,
    output_modalities: ['audio'],
    instructions: '',
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24_000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: {
          type: 'server_vad',
          threshold: DEFAULT_VAD.threshold,
          prefix_padding_ms: DEFAULT_VAD.prefixPaddingMs,
          silence_duration_ms: DEFAULT_VAD.silenceDurationMs,
          idle_timeout_ms: null,
          create_response: true,
          interrupt_response: true,
        },
      },
      output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy', speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
  };
}

/**
 * `session.update` replaces the fields it names. `audio.input` and `audio.output` are merged
 * one level down, so updating the voice keeps the input format. Only a validated update is
 * merged: a refused one changes nothing.
 */
export function mergeSessionConfig(current: FakeSessionConfig, update: SessionUpdate): FakeSessionConfig {
  const audio = update.audio
    ? {
        ...current.audio,
        ...update.audio,
        input: { ...current.audio?.input, ...update.audio.input },
        output: { ...current.audio?.output, ...update.audio.output },
      }
    : current.audio;
  return { ...current, ...update, audio };
}

/** Silence that ends a turn for semantic VAD, by eagerness (the fake has no semantics, only timing). */
const SEMANTIC_SILENCE_MS = { low: 800, medium: 500, auto: 500, high: 250 } as const;

/** VAD settings from the session's turn detection; undefined when turn detection is off. */
export function vadSettingsOf(
  detection: TurnDetectionConfig | null | undefined,
  minSpeechMs: number,
): VadSettings | undefined {
  if (!detection) return undefined;
  if (detection.type === 'semantic_vad') {
    return {
      ...DEFAULT_VAD,
      minSpeechMs,
      silenceDurationMs: SEMANTIC_SILENCE_MS[detection.eagerness ?? 'auto'],
    };
  }
  return {
    threshold: detection.threshold ?? DEFAULT_VAD.threshold,
    prefixPaddingMs: detection.prefix_padding_ms ?? DEFAULT_VAD.prefixPaddingMs,
    silenceDurationMs: detection.silence_duration_ms ?? DEFAULT_VAD.silenceDurationMs,
    minSpeechMs,
  };
}
