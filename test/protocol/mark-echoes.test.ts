/**
 * Issue 12, case 2: mark echoes never hang up a call. The model makes a long answer many times
 * faster than it plays, in small chunks; the caller barges in early; the bridge clears Twilio's
 * buffer and Twilio returns every pending mark at once, over a path that stalls now and then.
 * Before (c719109) the bridge sent a mark per 20 ms chunk, so the clear returned hundreds of
 * echoes in one burst; the gateway rate-limited them as a flood, counted the drops as bad
 * frames and closed the stream with 1008: the caller heard the apology ("Sorry, we are having
 * trouble continuing this call…") and the line went dead instead of the answer to their question.
 */
import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { MULAW_BYTES_PER_MS, mulawTone, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledRecord } from '../e2e/support/call-record.js';
import { agentTurn, UTTERANCE_MS } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { reportFigure } from '../faults/support/figures.js';
import { metricValue } from '../faults/support/metrics.js';

const LONG_ANSWER =
  'Let me tell you everything about our opening hours. On weekdays we open at eight in the morning and close at six in the ' +
  'evening, except on Wednesdays when we stay open until eight for people who work late. On Saturdays we open at nine and ' +
  'close at one in the afternoon, and on the first Saturday of every month we also have a walk-in clinic from two until ' +
  'five. On Sundays and public holidays we are closed, but the emergency line is answered around the clock by a nurse ' +
  'who can book you in first thing the next morning or send you to the nearest hospital if it cannot wait that long.';
const SHORT_ANSWER = 'On Saturdays we are open from nine until one.';
/** The model makes audio twenty times faster than it plays, in 20 ms deltas: hundreds of them ahead at once. */
const MODEL_PACING = { audioPace: 20, audioChunkMs: 20 };
/** Twilio's path to the gateway stalls 200 ms every 1.5 s: ten frames (and any echoes) arrive at once after. */
const STALLS = { everyMs: 1_500, stallMs: 200 };
/** A mark per ~250 ms of agent audio: fewer than one per 200 ms, whatever the chunk size. */
const MIN_AUDIO_MS_PER_MARK = 200;
/** How far the recorded heard position may be from what the caller heard when the clear came. */
const HEARD_TOLERANCE_MS = 200;

function script(): FakeRealtimeScript {
  return {
    callerTranscripts: ['Can you tell me your opening hours?', 'Sorry, just Saturdays?'],
    rules: [
      { when: { callerSaid: 'opening hours' }, reply: { say: LONG_ANSWER } },
      { when: { callerSaid: 'saturdays' }, reply: { say: SHORT_ANSWER } },
    ],
  };
}

/** Milliseconds of agent audio the gateway sent to Twilio between call times `from` and `to`. */
function audioSentMs(call: SimulatedCall, from: number, to: number): number {
  let bytes = 0;
  for (const { at, message } of call.received) {
    if (message.event !== 'media' || at < from || at > to) continue;
    const payload = (message.media as { payload?: string } | undefined)?.payload ?? '';
    bytes += Buffer.from(payload, 'base64').length;
  }
  return bytes / MULAW_BYTES_PER_MS;
}

function heardMsBetween(call: SimulatedCall, from: number, to: number): number {
  const heard = call.heard.filter((chunk) => chunk.at > from && chunk.at <= to);
  return heard.reduce((ms, chunk) => ms + chunk.bytes.length / MULAW_BYTES_PER_MS, 0);
}

describe('case 2: mark echoes never hang up a call', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { script: script(), model: MODEL_PACING });
  });
  afterAll(async () => {
    await faults?.stop();
  });

  it('a caller who barges into a long, fast answer gets the next answer, not the apology', async () => {
    const call = await faults.call({ stalls: STALLS });
    await agentTurn(call, 0);
    await call.say(mulawTone(UTTERANCE_MS));
    const askedAt = call.now();
    await call.waitFor(() => heardMsBetween(call, askedAt, call.now()) >= 1_000, {
      timeoutMs: 20_000,
      description: 'a second of the long answer',
    });

    // The caller talks over it: the bridge clears, Twilio drops the rest and echoes every pending mark.
    const bargedAt = call.now();
    const interruption = call.say(mulawTone(UTTERANCE_MS));
    const clear = await call.waitForMessage('clear', (m) => m.at > bargedAt, { timeoutMs: 10_000 });
    await interruption;
    const interruptedAt = call.now();
    const answer = await agentTurn(call, interruptedAt).catch(async (error: Error) => {
      // Before the fix: the stream closed with 1008 and the caller heard the apology.
      const [close, end] = await Promise.all([call.stream?.closed, call.ended]);
      const said = JSON.stringify(end.spoken);
      throw new Error(
        `${error.message}: stream closed ${close?.code} ${close?.reason}, caller heard ${said}`,
      );
    });

    // The call goes on: the same stream, and the caller hears the answer to the question.
    expect(call.isEnded).toBe(false);
    expect(call.streams).toHaveLength(1);
    expect(call.stream?.isOpen).toBe(true);
    expect(heardMsBetween(call, interruptedAt, answer.lastAt + 20)).toBeGreaterThan(1_000);
    expect(call.stream?.protocolErrors).toEqual([]);

    // The long answer was far ahead of play-out, yet marked at a sensible granularity.
    const sentMs = audioSentMs(call, askedAt, clear.at);
    const marks = call.received.filter(
      (m) => m.message.event === 'mark' && m.at > askedAt && m.at < clear.at,
    );
    expect(sentMs - heardMsBetween(call, askedAt, clear.at)).toBeGreaterThan(5_000);
    reportFigure('mark echoes: agent audio sent before the clear (ms)', sentMs);
    reportFigure('mark echoes: marks sent for it', marks.length);
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.length).toBeLessThan(sentMs / MIN_AUDIO_MS_PER_MARK);

    // No echo was taken for a flood, or for a stranger.
    const { gatewayUrl } = faults.system;
    const dropped = (reason: string) => metricValue(gatewayUrl, 'gateway_frames_dropped_total', { reason });
    expect(await dropped('rate_limited')).toBe(0);
    expect(await dropped('unknown_mark')).toBe(0);

    const heardOfLongAnswer = heardMsBetween(call, askedAt, clear.at);
    await expect(call.hangup()).resolves.toMatchObject({ reason: 'caller_hangup', spoken: [] });
    const record = await settledRecord(faults.system.recorderUrl, call.callSid, (r) =>
      r.transcript.some((t) => t.role === 'agent' && t.text === SHORT_ANSWER),
    );
    expect(record.call.endReason).toBe('caller_hangup');
    const agent = record.transcript.filter((t) => t.role === 'agent');
    expect(agent.map((t) => t.interrupted)).toEqual([false, true, false]);
    expect(agent[2]?.text).toBe(SHORT_ANSWER);
    reportFigure(
      'mark echoes: heard position recorded minus heard (ms)',
      (agent[1]?.heardMs ?? 0) - heardOfLongAnswer,
    );
    // What the record says was heard of the long answer is what the caller heard, within a mark.
    expect(Math.abs((agent[1]?.heardMs ?? -1) - heardOfLongAnswer)).toBeLessThan(HEARD_TOLERANCE_MS);
    expect(LONG_ANSWER.startsWith(agent[1]?.text ?? '#')).toBe(true);
  });
});
