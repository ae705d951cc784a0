import type { CallEvent } from '@voice/shared/contracts';
import { describe, expect, it } from 'vitest';
import { planResume } from '../session/resume.js';
import { Transcript } from '../session/transcript.js';
import { restoreTranscript } from './restore-transcript.js';

const CALL = `CA${'c'.repeat(32)}`;
const envelope = (id: string, at: string) => ({
  eventId: `${CALL}:${id}`,
  callSid: CALL,
  at,
  source: 'media-bridge' as const,
});
const turn = (itemId: string, role: 'caller' | 'agent', text: string, startedAt: string, at = startedAt) =>
  ({
    ...envelope(`turn:${itemId}`, at),
    type: 'transcript.turn',
    itemId,
    role,
    text,
    interrupted: false,
    startedAt,
  }) satisfies CallEvent;

describe('restoreTranscript', () => {
  const events: CallEvent[] = [
    { ...envelope('started', '2026-01-01T10:00:00.000Z'), type: 'dtmf', digit: '1' },
    // An agent turn is published when its fate is known, after the caller's next turn began.
    turn(
      'item_a1',
      'agent',
      'Hello, how can I help?',
      '2026-01-01T10:00:01.000Z',
      '2026-01-01T10:00:06.000Z',
    ),
    turn('item_c1', 'caller', 'When is my appointment?', '2026-01-01T10:00:04.000Z'),
    {
      ...envelope('tool:call_1:invoked', '2026-01-01T10:00:05.000Z'),
      type: 'tool.invoked',
      toolCallId: 'call_1',
      name: 'lookup_record',
      arguments: {},
    },
    {
      ...envelope('tool:call_1:completed', '2026-01-01T10:00:05.500Z'),
      type: 'tool.completed',
      toolCallId: 'call_1',
      name: 'lookup_record',
      ok: true,
      result: { name: 'Jordan' },
      latencyMs: 500,
    },
    {
      ...envelope('tool:call_2:invoked', '2026-01-01T10:00:07.000Z'),
      type: 'tool.invoked',
      toolCallId: 'call_2',
      name: 'book_appointment',
      arguments: { slotId: 1 },
    },
    turn('item_a2', 'agent', 'Monday at nine.', '2026-01-01T10:00:06.000Z'),
    turn('item_c2', 'caller', '', '2026-01-01T10:00:08.000Z'),
  ];

  it('replays spoken turns and answered tool calls in the order they happened, already published', () => {
    const transcript = new Transcript();
    expect(restoreTranscript(transcript, events)).toBe(3);
    const keys = transcript.entries.map((e) =>
      'itemId' in e ? e.itemId : 'callId' in e ? e.callId : e.text,
    );
    expect(keys).toEqual(['item_a1', 'item_c1', 'call_1', 'item_a2']);
    expect(transcript.unpublishedAgentTurns()).toEqual([]);
    expect(transcript.replayItems()).toEqual([
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello, how can I help?' }],
      },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'When is my appointment?' }] },
      { type: 'function_call', call_id: 'call_1', name: 'lookup_record', arguments: '{}' },
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: JSON.stringify({ ok: true, result: { name: 'Jordan' } }),
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Monday at nine.' }] },
    ]);
  });

  it('plans the first words: an apology after a lost bridge, silence after a quiet hand-over', () => {
    const answered = new Transcript();
    restoreTranscript(answered, events);
    expect(planResume('bridge_lost', answered)).toMatchObject({ respond: true, note: expect.any(String) });
    expect(planResume('bridge_draining', answered)).toEqual({ note: undefined, respond: false });

    const unanswered = new Transcript();
    restoreTranscript(unanswered, [turn('item_c9', 'caller', 'Are you there?', '2026-01-01T10:00:00.000Z')]);
    expect(planResume('bridge_draining', unanswered)).toEqual({ note: undefined, respond: true });

    const cutOff = new Transcript();
    restoreTranscript(cutOff, [
      {
        ...turn('item_a9', 'agent', 'We are open from', '2026-01-01T10:00:00.000Z'),
        interrupted: true,
        heardMs: 900,
      },
    ]);
    expect(cutOff.replayItems()).toEqual([
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'We are open from' }] },
    ]);
    expect(planResume('bridge_draining', cutOff)).toMatchObject({
      respond: true,
      note: expect.stringContaining('cut off'),
    });
  });
});
