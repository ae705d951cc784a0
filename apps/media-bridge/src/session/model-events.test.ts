import { describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '../model/server-events.js';
import { createModelEventRouter, type ModelEventTargets } from './model-events.js';
import { Transcript } from './transcript.js';

/** A router over stand-ins that record what the call would do. */
function router(ourResponseFailed = false) {
  const transcript = new Transcript();
  const published: Array<{ role: string; text: string }> = [];
  const errors: string[] = [];
  const retryTurn = vi.fn();
  const targets = {
    speech: { onResponseDone: () => {} },
    gate: { onDone: () => ourResponseFailed },
    tools: { onResponseDone: () => {} },
    endCall: { onResponseDone: () => {} },
    transcript,
    events: {
      transcriptTurn: (turn: { role: string; text: string }) => published.push(turn),
      usage: () => {},
    },
    metrics: { modelErrors: { labels: (kind: string) => ({ inc: () => errors.push(kind) }) } },
    logger: { warn: () => {} },
    state: { callerStartedSpeaking: () => {}, callerStoppedSpeaking: () => {}, responseStarted: () => {} },
    retryTurn,
  } as unknown as ModelEventTargets;
  const route = createModelEventRouter(targets);
  const send = (event: Record<string, unknown>) => route(event as ServerEvent);
  return { send, transcript, published, errors, retryTurn };
}

describe('model events the real API sends late or not at all', () => {
  it('a failed transcription leaves a caller line without words in the record, and the call goes on', async () => {
    const { send, transcript, published, errors } = router();
    send({ type: 'input_audio_buffer.committed', item_id: 'item_a' });
    const settled = transcript.transcribed(10_000);
    send({ type: 'conversation.item.input_audio_transcription.failed', item_id: 'item_a', error: {} });
    await settled;
    expect(published).toEqual([expect.objectContaining({ role: 'caller', text: '[not transcribed]' })]);
    expect(errors).toEqual(['transcription_failed']);
    expect(transcript.replayItems()).toEqual([]);
  });

  it('a transcript of silence (an idle timeout) is no caller line', async () => {
    const { send, transcript, published } = router();
    send({ type: 'input_audio_buffer.committed', item_id: 'item_idle' });
    send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'item_idle',
      transcript: '',
    });
    await transcript.transcribed(10_000);
    expect(published).toEqual([]);
  });

  it('a failed server response is asked for once more; an incomplete one stands', () => {
    const { send, errors, retryTurn } = router();
    send({ type: 'response.done', response: { id: 'resp_1', status: 'failed' } });
    send({ type: 'response.done', response: { id: 'resp_2', status: 'incomplete' } });
    expect(retryTurn).toHaveBeenCalledTimes(1);
    expect(errors).toEqual(['response_failed', 'response_incomplete']);
  });

  it('a failed response of ours is left to the gate, which retries it', () => {
    const { send, retryTurn } = router(true);
    send({ type: 'response.done', response: { id: 'resp_1', status: 'failed' } });
    expect(retryTurn).not.toHaveBeenCalled();
  });
});
