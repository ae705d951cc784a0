import type { Logger } from '@voice/shared/logging';
import type { CallEvents } from '../events/call-events.js';
import type { BridgeMetrics } from '../metrics.js';
import type { ServerEvent, ServerEventOf } from '../model/server-events.js';
import type { ToolLoop } from '../tools/tool-loop.js';
import type { AgentSpeech } from './agent-speech.js';
import type { CallState } from './call-state.js';
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
  /** Where VAD and the start of each response are recorded. */
  state: Pick<CallState, 'callerStartedSpeaking' | 'callerStoppedSpeaking' | 'responseStarted'>;
  /** A response the server made for the caller's turn failed: ask for it once more. */
  retryTurn(): void;
}

/** What the record shows for a caller turn whose transcription failed: it happened, words unknown. */
const UNTRANSCRIBED_CALLER_LINE = '[not transcribed]';

/**
 * Routes each server event of the live model session to the part of the call that acts on
 * it. The order within `response.done` matters: speech and the gate settle before the tool
 * loop and end-call logic may ask for the next response.
 */
export function createModelEventRouter(t: ModelEventTargets): (event: ServerEvent) => void {
  const onResponseDone = ({ response }: ServerEventOf<'response.done'>) => {
    const failed = response.status === 'failed';
    t.speech.onResponseDone(response.id);
    const retrying = t.gate.onDone(failed);
    t.tools.onResponseDone(response.id);
    t.endCall.onResponseDone(response.id);
    if (response.usage) t.events.usage(response.id, response.usage);
    if (failed || response.status === 'incomplete') {
      // Failed: the caller heard nothing and is owed the answer, so it is asked for again (ours
      // by the gate, with back-off; the server's once). Incomplete (out of tokens, filtered):
      // what was said stands, and asking again would most likely end the same way.
      t.metrics.modelErrors.labels(failed ? 'response_failed' : 'response_incomplete').inc();
      t.logger.warn(
        { responseId: response.id, status: response.status, details: response.status_details },
        failed ? 'model response failed' : 'model response incomplete',
      );
      if (failed && !retrying) t.retryTurn();
    }
  };

  return (event) => {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        t.state.callerStartedSpeaking();
        t.speech.onSpeechStarted();
        return;
      case 'input_audio_buffer.speech_stopped':
        t.state.callerStoppedSpeaking();
        return;
      case 'input_audio_buffer.committed':
        t.transcript.callerCommitted(event.item_id);
        return;
      case 'conversation.item.input_audio_transcription.completed': {
        // Transcription runs beside the response and lands after it started; the turn keeps
        // its place (the commit) in the record. Silence (an idle timeout) is no caller line.
        if (event.transcript.trim() === '') {
          t.transcript.callerUntranscribed(event.item_id);
          return;
        }
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
      case 'conversation.item.input_audio_transcription.failed': {
        // The model heard the caller and answers; only the record lacks the words.
        const turn = t.transcript.callerUntranscribed(event.item_id);
        t.metrics.modelErrors.labels('transcription_failed').inc();
        t.logger.warn({ itemId: event.item_id, error: event.error }, 'caller transcription failed');
        t.events.transcriptTurn({
          itemId: turn.itemId,
          role: 'caller',
          text: UNTRANSCRIBED_CALLER_LINE,
          interrupted: false,
          startedAt: turn.at.toISOString(),
        });
        return;
      }
      case 'response.created':
        t.state.responseStarted();
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
