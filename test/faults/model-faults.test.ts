import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { mulawTone, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange, UTTERANCE_MS } from './support/conversation.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { reportFigure } from './support/figures.js';
import { metricValue } from './support/metrics.js';
import { eventsOf, recordProblems, storedCallEvents, waitForEndedRecord } from './support/records.js';

/** What the gateway's fallback TwiML says when a call cannot go on (`CALLER_MESSAGES.bridgeFailed`). */
const FALLBACK_APOLOGY =
  'Sorry, we are having trouble continuing this call. Please call again later. Goodbye.';
/** The bridge's connection attempts when a model session must be replaced (`MODEL_RESTORE_ATTEMPTS`). */
const RESTORE_ATTEMPTS = 3;
const SLOW_FIRST_AUDIO_MS = 4_000;

function answeringScript(): FakeRealtimeScript {
  return {
    callerTranscripts: (index) =>
      index === 3 ? 'Please look up my record.' : `Question number ${index + 1}.`,
    rules: [
      { when: { callerSaid: 'look up' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
      { when: { functionOutput: { name: 'lookup_record' } }, reply: { say: 'I found your record.' } },
      {
        when: { callerSaid: 'Question' },
        reply: (trigger) => ({ say: `The answer to ${trigger.kind === 'caller' ? trigger.transcript : ''}` }),
      },
    ],
    defaultReply: { say: 'Sorry about that, could you say it again?' },
  };
}

describe('the model misbehaves', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;
  let call: SimulatedCall | undefined;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, {
      script: answeringScript(),
      appEnv: { 'media-bridge': { MODEL_RESTORE_ATTEMPTS: String(RESTORE_ATTEMPTS) } },
    });
  });
  afterEach(async () => {
    await call?.hangup();
    call = undefined;
  });
  afterAll(async () => {
    expect(faults.leaks()).toEqual([]);
    await faults?.stop();
  });

  async function answeredCall(): Promise<SimulatedCall> {
    call = await faults.call();
    await agentTurn(call, 0);
    return call;
  }

  it('socket drop: a new model session is restored with the conversation and the call goes on', async () => {
    const live = await answeredCall();
    await exchange(live);
    const sessions = faults.model.sessions.length;
    faults.model.dropSockets();
    const restored = await faults.model.waitForSession(sessions, 10_000);
    await restored.waitForEvent('conversation.item.create', (event) => event.item.type === 'message');
    const after = await exchange(live);
    reportFigure('model socket drop: next answer (ms)', after.answeredAt - after.saidAt);
    expect(after.answeredAt - after.saidAt).toBeLessThan(3_000);
    await live.hangup();

    const record = await waitForEndedRecord(faults.system.recorderUrl, live.callSid);
    expect(recordProblems(record)).toEqual([]);
    const stored = await storedCallEvents(faults.nc, live.callSid);
    expect(stored.duplicates).toEqual([]);
    expect(eventsOf(stored, 'session.restored')).toEqual([
      expect.objectContaining({ reason: 'socket_dropped' }),
    ]);
  });

  it('error and malformed events: counted, logged and ignored; the call goes on', async () => {
    const live = await answeredCall();
    const invalidBefore = await metricValue(
      faults.system.app('media-bridge').url,
      'media_bridge_model_events_invalid_total',
    );
    faults.model.sendError();
    faults.model.sendMalformed();
    const after = await exchange(live);
    expect(after.answeredAt - after.saidAt).toBeLessThan(3_000);
    expect(
      await metricValue(faults.system.app('media-bridge').url, 'media_bridge_model_events_invalid_total'),
    ).toBeGreaterThan(invalidBefore);
    expect(
      await metricValue(faults.system.app('media-bridge').url, 'media_bridge_model_errors_total', {
        kind: 'api',
      }),
    ).toBeGreaterThan(0);
  });

  it('rate limit: refused response requests are retried, and the caller gets the answer', async () => {
    const live = await answeredCall();
    faults.model.rateLimit();
    faults.model.rejectResponses(2);
    await live.say(mulawTone(UTTERANCE_MS));
    const saidAt = live.now();
    const session = faults.model.sessions.at(-1);
    const answer = await agentTurn(live, saidAt, 20_000);
    reportFigure('model rate limit: answer after two refusals (ms)', answer.firstAt - saidAt);
    const followUps = (session?.eventsOf('response.create') ?? []).filter(
      (event) => event.response?.metadata?.purpose === 'tool_followup',
    );
    expect(followUps).toHaveLength(3);
    expect(new Set(followUps.map((event) => event.event_id)).size).toBe(3);
    expect(session?.sentOf('response.output_audio_transcript.done').at(-1)).toMatchObject({
      transcript: 'I found your record.',
    });
  });

  it('slow first audio: the answer comes late, and nothing is given up for it', async () => {
    const live = await answeredCall();
    faults.model.delayNextResponse(SLOW_FIRST_AUDIO_MS);
    const slow = await exchange(live, 30_000);
    reportFigure('model slow first audio: answer (ms)', slow.answeredAt - slow.saidAt);
    expect(slow.answeredAt - slow.saidAt).toBeGreaterThanOrEqual(SLOW_FIRST_AUDIO_MS);
    expect(slow.answeredAt - slow.saidAt).toBeLessThan(SLOW_FIRST_AUDIO_MS + 3_000);
    const next = await exchange(live);
    expect(next.answeredAt - next.saidAt).toBeLessThan(3_000);
    expect(await metricValue(faults.system.gatewayUrl, 'gateway_bridge_moves_total')).toBe(0);
    const stored = await storedCallEvents(faults.nc, live.callSid);
    expect(eventsOf(stored, 'session.restored')).toEqual([]);
  });

  it('a model that never comes back: the call ends politely with the fallback apology', async () => {
    const live = await answeredCall();
    faults.model.refuseConnections(RESTORE_ATTEMPTS);
    const droppedAt = live.now();
    faults.model.dropSockets();
    const end = await live.ended;
    reportFigure('model gone: drop to the apology (ms)', end.at - droppedAt);
    expect(end).toMatchObject({ reason: 'twiml_hangup', spoken: [FALLBACK_APOLOGY] });
    call = undefined;

    const record = await waitForEndedRecord(faults.system.recorderUrl, live.callSid);
    expect(record.call.endReason).toBe('session_failed');
    expect(recordProblems(record)).toEqual([]);
    const stored = await storedCallEvents(faults.nc, live.callSid);
    expect(stored.duplicates).toEqual([]);
    expect(eventsOf(stored, 'call.ended')).toEqual([expect.objectContaining({ reason: 'session_failed' })]);
  });
});
