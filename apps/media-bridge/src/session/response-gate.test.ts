import type { RealtimeResponseCreateParams } from 'openai/resources/realtime/realtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_RESPONSE_ATTEMPTS, ResponseGate } from './response-gate.js';

const purpose = (p: string): RealtimeResponseCreateParams => ({ metadata: { purpose: p } });

describe('ResponseGate', () => {
  it('sends one response at a time, in order', () => {
    const sent: string[] = [];
    const gate = new ResponseGate((params) => sent.push(String(params.metadata?.purpose)) > 0);
    gate.request(purpose('greeting'));
    gate.request(purpose('dtmf'));
    expect(sent).toEqual(['greeting']);
    gate.onCreated(true);
    gate.onDone();
    expect(sent).toEqual(['greeting', 'dtmf']);
    expect(gate.inFlight).toBe(true);
  });

  it('waits for a server-created response, and retries a request the server rejected', () => {
    const sent: string[] = [];
    const gate = new ResponseGate((params) => sent.push(String(params.metadata?.purpose)) > 0);
    gate.request(purpose('tool_followup'));
    gate.onCreated(false);
    gate.onRejected();
    gate.onDone();
    expect(sent).toEqual(['tool_followup', 'tool_followup']);
  });

  it('holds requests while no session can take them, and drops moot fillers', () => {
    let open = false;
    const sent: string[] = [];
    const gate = new ResponseGate((params) => open && sent.push(String(params.metadata?.purpose)) > 0);
    gate.request(purpose('filler'));
    gate.request(purpose('restore'));
    gate.drop('filler');
    open = true;
    gate.reset();
    gate.pump();
    expect(sent).toEqual(['restore']);
  });

  describe('when the model refuses or fails a request of ours', () => {
    afterEach(() => vi.useRealTimers());

    const recording = () => {
      const sent: Array<{ purpose: string; eventId: string }> = [];
      const gate = new ResponseGate(
        (params, eventId) => sent.push({ purpose: String(params.metadata?.purpose), eventId }) > 0,
        { retryDelayMs: (attempt) => attempt * 100 },
      );
      return { sent, gate };
    };

    it('retries a request refused with a rate limit, after a pause, and holds the rest', () => {
      vi.useFakeTimers();
      const { sent, gate } = recording();
      gate.request(purpose('tool_followup'));
      gate.request(purpose('dtmf'));
      gate.onError(sent[0]?.eventId, 'rate_limit_exceeded');
      expect(gate.inFlight).toBe(false);
      vi.advanceTimersByTime(99);
      expect(sent).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(sent.map((s) => s.purpose)).toEqual(['tool_followup', 'tool_followup']);
      expect(sent[1]?.eventId).not.toBe(sent[0]?.eventId);
      gate.onCreated(true);
      gate.onDone();
      expect(sent.map((s) => s.purpose)).toEqual(['tool_followup', 'tool_followup', 'dtmf']);
    });

    it('ignores errors about other events', () => {
      const { sent, gate } = recording();
      gate.request(purpose('greeting'));
      gate.onError('some_other_event', 'server_error');
      gate.onError(null, 'rate_limit_exceeded');
      expect(gate.inFlight).toBe(true);
      expect(sent).toHaveLength(1);
    });

    it('retries a response of ours that failed, but not a server-created one', () => {
      vi.useFakeTimers();
      const { sent, gate } = recording();
      gate.request(purpose('resume'));
      gate.onCreated(true);
      gate.onDone(true);
      vi.advanceTimersByTime(100);
      expect(sent.map((s) => s.purpose)).toEqual(['resume', 'resume']);
      gate.onCreated(true);
      gate.onDone();
      gate.onCreated(false);
      gate.onDone(true);
      vi.advanceTimersByTime(1_000);
      expect(sent).toHaveLength(2);
    });

    it('gives a request up after a few attempts', () => {
      vi.useFakeTimers();
      const { sent, gate } = recording();
      gate.request(purpose('tool_followup'));
      for (let attempt = 0; attempt < MAX_RESPONSE_ATTEMPTS + 2; attempt++) {
        gate.onError(sent.at(-1)?.eventId, 'rate_limit_exceeded');
        vi.advanceTimersByTime(10_000);
      }
      expect(sent).toHaveLength(MAX_RESPONSE_ATTEMPTS);
      expect(gate.inFlight).toBe(false);
    });
  });
});
