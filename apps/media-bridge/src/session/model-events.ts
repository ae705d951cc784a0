import type { Logger } from '@voice/shared/logging';
import type { CallEvents } from '../events/call-events.js';
import type { BridgeMetrics } from '../metrics.js';
import type { ServerEvent, ServerEventOf } from '../model/server-events.js';
import type { ToolLoop } from '../tools/tool-loop.js';
import type { AgentSpeech } from './agent-speech.js';
import type { EndCallController } from './end-call.js';
import type { ResponseGate } from './response-gate.js';
import type { Transcript } from './transcript.js';

/** The parts of a call session that model events drive. */
export interface ModelEventTargets {
  speech: AgentSpeech;
  gate: ResponseGate;
  tools: ToolLoop;
  endCall: EndCallController;
  transcript: Transcript;
  events: CallEvents;
  metrics: BridgeMetrics;
  logger: Logger;
  /** VAD says the caller is (or stopped) speaking. */
  callerSpeaking(speaking: boolean): void;
  /** A response started (the caller's last turn is being answered). */
  responseStarted(): void;
}

/**
 * Routes each server event of the live model session to the part of the call that acts on
 * it. The order within `response.done` matters: speech and the gate settle before the tool
 * loop and end-call logic may ask for the next response.
 */
export function createModelEventRouter(t: ModelEventTargets): (event: ServerEvent) => void {
  const onResponseDone = ({ response }: ServerEventOf<'response.done'>) => {
    t.speech.onResponseDone(response.id);
    t.gate.onDone(response.status === 'failed');
    t.tools.onResponseDone(response.id);
    t.endCall.onResponseDone(response.id);
    if (response.usage) t.events.usage(response.id, response.usage);
    if (response.status === 'failed') {
      t.logger.warn({ responseId: response.id, details: response.status_details }, 'model response failed');
    }
  };

  return (event) => {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        t.callerSpeaking(true);
        t.speech.onSpeechStarted();
        return;
      case 'input_audio_buffer.speech_stopped':
        t.callerSpeaking(false);
        t.speech.onSpeechStopped();
        return;
      case 'input_audio_buffer.committed':
        t.transcript.callerCommitted(event.item_id);
        return;
      case 'conversation.item.input_audio_transcription.completed': {
        const turn = t.transcript.callerTranscribed(event.item_id, event.transcript);
        t.events.transcriptTurn({
          itemId: turn.itemId,
          role: 'caller',
          text: event.transcript,
          interrupted: false,
          startedAt: turn.at.toISOString(),
        });
        return;
      }
      case 'conversation.item.input_audio_transcription.failed':
        t.logger.warn({ itemId: event.item_id }, 'caller transcription failed');
        return;
      case 'response.created':
        t.responseStarted();
        t.gate.onCreated(event.response.metadata?.purpose !== undefined);
        t.speech.onResponseCreated(event.response.id, event.response.metadata?.purpose);
        t.endCall.onResponseCreated(event.response.id);
        return;
      case 'response.output_item.added':
        if (event.item.type === 'message' && event.item.role === 'assistant') {
          t.speech.onItemAdded(event.response_id, event.item.id);
        }
        return;
      case 'response.output_audio.delta':
        t.speech.onAudioDelta({ responseId: event.response_id, itemId: event.item_id, audio: event.delta });
        return;
      case 'response.output_audio_transcript.delta':
        t.speech.onTranscriptDelta(event.item_id, event.delta);
        return;
      case 'response.output_audio_transcript.done':
        t.speech.onTranscriptDone(event.item_id, event.transcript);
        return;
      case 'response.function_call_arguments.done':
        t.tools.onFunctionCall(event);
        return;
      case 'response.done':
        onResponseDone(event);
        return;
      case 'error':
        t.metrics.modelErrors.labels('api').inc();
        t.gate.onError(event.error.event_id, event.error.code);
        t.logger.warn(
          {
            code: event.error.code,
            errorType: event.error.type,
            param: event.error.param,
            message: event.error.message,
          },
          'model error event',
        );
        return;
      case 'rate_limits.updated':
        if (event.rate_limits.some((limit) => limit.remaining === 0)) {
          t.logger.warn({ rateLimits: event.rate_limits }, 'model rate limit exhausted');
        }
        return;
      default:
        return;
    }
  };
}
