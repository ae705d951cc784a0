import type { CallEvent, CallEventOf } from '@voice/shared/contracts';
import type { Transcript } from '../session/transcript.js';

type Turn = CallEventOf<'transcript.turn'>;
type Invoked = CallEventOf<'tool.invoked'>;
type Completed = CallEventOf<'tool.completed'>;

/** When the thing an event records happened (a turn's start, not when its fate was known). */
function happenedAt(event: Turn | Invoked): number {
  return Date.parse(event.type === 'transcript.turn' ? (event.startedAt ?? event.at) : event.at);
}

/**
 * Rebuilds the conversation a previous bridge had, from the call's events: caller turns, agent
 * turns as the caller heard them, and every tool call that was answered, in the order they
 * happened. Restored agent turns count as published, so they are never recorded twice; a tool
 * call whose answer was never recorded is left out (the model cannot be given half of it).
 * Returns how many turns were restored.
 */
export function restoreTranscript(transcript: Transcript, events: readonly CallEvent[]): number {
  const completed = new Map<string, Completed>();
  for (const event of events) if (event.type === 'tool.completed') completed.set(event.toolCallId, event);
  const spoken = events
    .filter(
      (event): event is Turn | Invoked =>
        (event.type === 'transcript.turn' && event.text.trim() !== '') ||
        (event.type === 'tool.invoked' && completed.has(event.toolCallId)),
    )
    .sort((a, b) => happenedAt(a) - happenedAt(b));
  let turns = 0;
  for (const event of spoken) {
    const at = new Date(happenedAt(event));
    if (event.type === 'tool.invoked') {
      const answer = completed.get(event.toolCallId) as Completed;
      transcript.toolCalled(event.toolCallId, event.name, JSON.stringify(event.arguments ?? {}));
      transcript.toolAnswered(
        event.toolCallId,
        JSON.stringify(answer.ok ? { ok: true, result: answer.result } : { ok: false, error: answer.error }),
      );
      continue;
    }
    turns++;
    if (event.role === 'caller') {
      transcript.callerTranscribed(event.itemId, event.text).at = at;
      continue;
    }
    // The text is already what was heard: kept whole (all of it counts as generated), never
    // cut again nor republished; whether it was cut off stays known.
    Object.assign(transcript.agent(event.itemId), {
      text: event.text,
      textDone: true,
      at,
      generatedMs: event.heardMs ?? 0,
      interrupted: event.interrupted,
      heardMs: event.heardMs,
      published: true,
    });
  }
  return turns;
}
