import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { mulawTone } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentTurn,
  exchange,
  firstHeardAfter,
  heardFromModelAfter,
  LONG_ANSWER,
  longestSilence,
  UTTERANCE_MS,
} from './support/conversation.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { reportFigure } from './support/figures.js';
import { eventsOf, recordProblems, storedCallEvents, waitForEndedRecord } from './support/records.js';

const CONTINUATION = 'As I was saying, we are open every weekday.';

function deployScript(): FakeRealtimeScript {
  return {
    callerTranscripts: (index) =>
      index === 0 ? 'Tell me all about your opening hours.' : `This is question number ${index}.`,
    rules: [
      { when: { callerSaid: 'opening hours' }, reply: { say: LONG_ANSWER } },
      { when: { text: /cut off/ }, reply: { say: CONTINUATION } },
      {
        when: { callerSaid: 'question number' },
        reply: (trigger) => ({ say: `You asked: ${trigger.kind === 'caller' ? trigger.transcript : ''}` }),
      },
    ],
  };
}

/** The drain gives live calls SHUTDOWN_TIMEOUT_MS less a 3 s reserve: 3 s here. */
const BRIDGE_SHUTDOWN_MS = 6_000;

describe('a graceful deploy: SIGTERM on a bridge with live calls', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, {
      script: deployScript(),
      appEnv: { 'media-bridge': { SHUTDOWN_TIMEOUT_MS: String(BRIDGE_SHUTDOWN_MS) } },
    });
  });
  afterAll(async () => {
    await faults?.stop();
  });

  it('hands its calls over (a quiet one at once, a talking one at the deadline) and exits; no call is dropped', async () => {
    const quietCall = await faults.call();
    const busyCall = await faults.call();
    await Promise.all([agentTurn(quietCall, 0), agentTurn(busyCall, 0)]);
    const old = faults.system.app('media-bridge');
    const next = await faults.system.startInstance('media-bridge');

    // The busy caller asks something long; the bridge is told to go while the answer plays.
    await busyCall.say(mulawTone(UTTERANCE_MS));
    const askedAt = busyCall.now();
    await busyCall.waitFor(
      () => (firstHeardAfter(busyCall, askedAt) ?? Number.POSITIVE_INFINITY) < busyCall.now() - 500,
      {
        timeoutMs: 15_000,
        description: 'the long answer to be playing',
      },
    );
    const sessionsBefore = faults.model.sessions.length;
    const termAt = busyCall.now();
    const exit = await old.process.stop('SIGTERM', 20_000);
    const exitedAfterMs = busyCall.now() - termAt;
    reportFigure('graceful deploy: SIGTERM to exit (ms)', exitedAfterMs);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(BRIDGE_SHUTDOWN_MS);

    // Both calls now live on the other bridge: two new model sessions, nobody hung up.
    await faults.model.waitFor(
      () => faults.model.sessions.length >= sessionsBefore + 2,
      10_000,
      'two new sessions',
    );
    expect(quietCall.isEnded || busyCall.isEnded).toBe(false);

    // The talking call was cut at the drain deadline and the next bridge finished the point.
    const continuationSession = await faults.model.waitFor(
      () =>
        faults.model.sessions
          .slice(sessionsBefore)
          .find((session) => session.sentOf('response.output_audio.delta').length > 0),
      20_000,
      'the next bridge to speak',
    );
    const firstDelta = continuationSession.sent.find(
      (sent) => sent.event.type === 'response.output_audio.delta',
    );
    await busyCall.waitFor(() => heardFromModelAfter(busyCall, firstDelta?.at ?? 0) !== undefined, {
      timeoutMs: 20_000,
      description: 'the continuation heard',
    });
    const resumedAt = heardFromModelAfter(busyCall, firstDelta?.at ?? 0) as number;
    const continued = await agentTurn(busyCall, resumedAt - 1, 20_000);
    const cutSilenceMs = longestSilence(busyCall, termAt, resumedAt);
    reportFigure('graceful deploy: silence at a deadline hand-over (ms)', cutSilenceMs);
    expect(cutSilenceMs).toBeLessThan(2_000);
    expect(continued.lastAt).toBeGreaterThan(resumedAt);

    // The quiet call moved without a sound: the next words the caller hears answer its question.
    const quietHeardBefore = quietCall.heard.length;
    const quietNext = await exchange(quietCall);
    expect(quietCall.heard.slice(quietHeardBefore).every((chunk) => chunk.at > quietNext.saidAt)).toBe(true);
    reportFigure(
      'graceful deploy: answer after a quiet hand-over (ms)',
      quietNext.answeredAt - quietNext.saidAt,
    );
    expect(quietNext.answeredAt - quietNext.saidAt).toBeLessThan(3_000);
    const busyNext = await exchange(busyCall);
    expect(busyNext.answeredAt - busyNext.saidAt).toBeLessThan(3_000);

    await Promise.all([quietCall.hangup(), busyCall.hangup()]);
    for (const [call, expected] of [
      [quietCall, ['caller: This is question number 1.', 'agent: You asked: This is question number 1.']],
      [busyCall, ['caller: Tell me all about your opening hours.', `agent: ${CONTINUATION}`]],
    ] as const) {
      const record = await waitForEndedRecord(faults.system.recorderUrl, call.callSid);
      expect(record.call.bridgeId).toBe(next.instance);
      expect(recordProblems(record)).toEqual([]);
      expect(record.transcript.map((turn) => `${turn.role}: ${turn.text}`)).toEqual(
        expect.arrayContaining([...expected]),
      );
      const stored = await storedCallEvents(faults.nc, call.callSid);
      expect(stored.duplicates).toEqual([]);
      expect(eventsOf(stored, 'call.started')).toHaveLength(1);
      expect(eventsOf(stored, 'stream.started').map((e) => [e.resumed, e.bridgeId])).toEqual([
        [false, old.instance],
        [true, next.instance],
      ]);
      expect(eventsOf(stored, 'session.restored')).toEqual([
        expect.objectContaining({ reason: 'bridge_draining', bridgeId: next.instance }),
      ]);
      expect(eventsOf(stored, 'call.ended')).toHaveLength(1);
    }

    // What the busy caller heard of the long answer is what its record says was heard.
    const busyRecord = await waitForEndedRecord(faults.system.recorderUrl, busyCall.callSid);
    const cut = busyRecord.transcript.find((turn) => turn.role === 'agent' && turn.interrupted);
    expect(cut?.text.length ?? 0).toBeGreaterThan(0);
    expect(LONG_ANSWER.startsWith(cut?.text ?? '-')).toBe(true);
    expect(faults.leaks()).toEqual([]);
  });
});
