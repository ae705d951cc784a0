import { describe, expect, it } from 'vitest';
import { cutToHeard, heardText, Transcript } from './transcript.js';

describe('cutToHeard', () => {
  it('keeps the words that fit in the heard share of the audio, never a half-heard one', () => {
    const text = 'one two three four five six seven eight nine ten';
    expect(cutToHeard(text, 1_000, 1_000)).toBe(text);
    expect(cutToHeard(text, 500, 1_000)).toBe('one two three four five');
    expect(cutToHeard(text, 590, 1_000)).toBe('one two three four five');
    expect(cutToHeard(text, 0, 1_000)).toBe('');
    expect(cutToHeard(text, 100, 0)).toBe(text);
    expect(cutToHeard(text, 0, 0)).toBe('');
  });
});

describe('Transcript', () => {
  it('replays the conversation as heard, with tool exchanges, as GA conversation items', () => {
    const transcript = new Transcript();
    const greeting = transcript.agent('item_1');
    greeting.text = 'Hello there, how can I help you today?';
    greeting.textDone = true;
    greeting.generatedMs = 2_000;
    greeting.interrupted = true;
    greeting.heardMs = 500;
    transcript.callerCommitted('item_2');
    transcript.callerTranscribed('item_2', 'Book me in');
    transcript.toolCalled('call_1', 'find_open_slots', '{"day":"monday"}');
    transcript.toolAnswered('call_1', '{"ok":true}');
    transcript.toolCalled('call_2', 'lookup_record', '{}');
    transcript.text('keypad', '[keypad] 4');

    expect(heardText(greeting)).toBe('Hello there,');
    expect(transcript.replayItems()).toEqual([
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello there,' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Book me in' }] },
      { type: 'function_call', call_id: 'call_1', name: 'find_open_slots', arguments: '{"day":"monday"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' },
      { type: 'function_call', call_id: 'call_2', name: 'lookup_record', arguments: '{}' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[keypad] 4' }] },
    ]);
    expect(transcript.forHandOff().map((t) => [t.role, t.text])).toEqual([
      ['agent', 'Hello there,'],
      ['caller', 'Book me in'],
      ['caller', '[keypad] 4'],
    ]);
  });
});

describe('Transcript.transcribed', () => {
  it('waits for the caller turns still being transcribed, and no longer than the bound', async () => {
    const transcript = new Transcript();
    await transcript.transcribed(10_000);
    transcript.callerCommitted('item_a');
    const waiting = transcript.transcribed(10_000);
    transcript.callerTranscribed('item_a', 'Hello');
    await waiting;
    transcript.callerCommitted('item_b');
    const started = performance.now();
    await transcript.transcribed(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
