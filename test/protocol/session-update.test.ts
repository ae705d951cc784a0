/**
 * Issue 12, case 1: a `session.update` the API refuses went unnoticed. A GA session starts as
 * 24 kHz PCM and a refused update is not applied, yet the bridge counted the session ready on
 * `session.created` and only logged the `error`.
 * Before (c719109): the fakes accepted any voice, so the caller of an agent whose voice the API
 * refuses heard the greeting as if all were well; against the real API that call hissed (PCM
 * played as mu-law) while the bridge thought the session healthy, and nothing recorded why.
 * After: the bridge checks the profile first and waits for `session.updated` to confirm
 * `audio/pcmu`; a refusal ends the call with the fallback apology, no agent audio at all, and
 * the record carries `session.failed` with the API's code and param.
 */
import { migrationsFolder, REALTIME_VOICES } from '@voice/shared/db';
import type { FakeRealtimeSession } from '@voice/testkit/openai';
import type { CallEnd, SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { metricValue } from '../faults/support/metrics.js';
import { type CallRecord, waitForEndedRecord, waitForRecord } from '../faults/support/records.js';
import { FALLBACK_APOLOGY, insertAgentRow } from './support/session-config.js';

/** An agent with a voice this deployment does not offer: valid by the SDK, refused by the API. */
const UNOFFERED_VOICE = 'ballad';
const REFUSED_BY_API = { id: 'refused-voice-desk', phoneNumber: '+15550001101', voice: UNOFFERED_VOICE };
/** An agent written around the profile check, with a voice no realtime API has. */
const INVALID_ROW = { id: 'invalid-voice-desk', phoneNumber: '+15550001102', voice: 'Puck' };
const END_WITHIN_MS = 30_000;

/** The call's end, or a clear failure when it goes on (the old bridge never hung up). */
async function endedWithin(call: SimulatedCall, ms: number): Promise<CallEnd> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the call was still going after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call.ended, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('case 1: the session configuration is confirmed before the call speaks', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;
  let call: SimulatedCall | undefined;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, {
      model: { voices: REALTIME_VOICES.filter((voice) => voice !== UNOFFERED_VOICE) },
    });
    await insertAgentRow(faults.database, REFUSED_BY_API);
    await insertAgentRow(faults.database, INVALID_ROW);
  });
  afterEach(async () => {
    if (call && !call.isEnded) await call.hangup();
    call = undefined;
  });
  afterAll(async () => {
    await faults?.stop();
  });

  it('a normal call: greeting and caller audio only after session.updated confirmed pcmu', async () => {
    const before = faults.model.sessions.length;
    call = await faults.call();
    const session = await faults.model.waitForSession(before);
    await agentTurn(call, 0);

    const confirmedAt = confirmedPhoneAudioAt(session);
    expect(confirmedAt).toBeDefined();
    const greeting = session.received.find((r) => r.event.type === 'response.create');
    expect(greeting?.at).toBeGreaterThan(confirmedAt as number);
    const appends = session.received.filter((r) => r.event.type === 'input_audio_buffer.append');
    expect(appends.length).toBeGreaterThan(0);
    expect(appends.every((r) => r.at > (confirmedAt as number) && r.format === 'audio/pcmu')).toBe(true);
    const deltas = session.sent.filter((s) => s.event.type === 'response.output_audio.delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(new Set(deltas.map((s) => s.format))).toEqual(new Set(['audio/pcmu']));
    expect(call.heard.length).toBeGreaterThan(0);
  });

  it('a voice the API refuses: the apology and a hang-up, no agent audio, the refusal recorded', async () => {
    const before = faults.model.sessions.length;
    call = await faults.call({ to: REFUSED_BY_API.phoneNumber });
    const end = await endedWithin(call, END_WITHIN_MS);
    expect(end).toMatchObject({ reason: 'twiml_hangup', spoken: [FALLBACK_APOLOGY] });
    expect(call.heard).toEqual([]);

    const session = faults.model.sessions[before];
    expect(session?.sentOf('error')[0]).toMatchObject({
      error: { code: 'invalid_value', param: 'session.audio.output.voice' },
    });
    expect(session?.sentOf('response.output_audio.delta')).toEqual([]);
    expect(session?.eventsOf('input_audio_buffer.append')).toEqual([]);
    expect(faults.model.sessions.length).toBe(before + 1);

    const record = await failedRecord(faults, call.callSid);
    expect(record.call.endReason).toBe('session_failed');
    expect(record.timeline).toContainEqual(
      expect.objectContaining({
        type: 'session.failed',
        payload: expect.objectContaining({
          reason: 'session_config_rejected',
          code: 'invalid_value',
          param: 'session.audio.output.voice',
        }),
      }),
    );
    const bridge = faults.system.app('media-bridge').url;
    expect(
      await metricValue(bridge, 'media_bridge_model_errors_total', { kind: 'session_config_rejected' }),
    ).toBe(1);
    const refusals = faults.logs
      .json('media-bridge-1')
      .filter((line) => line.msg === 'model refused the session configuration');
    expect(refusals).toEqual([
      expect.objectContaining({ param: 'session.audio.output.voice', code: 'invalid_value' }),
    ]);
    call = undefined;
  });

  it('a profile row with a voice no API has: refused before any model session', async () => {
    const before = faults.model.sessions.length;
    call = await faults.call({ to: INVALID_ROW.phoneNumber });
    const end = await endedWithin(call, END_WITHIN_MS);
    expect(end).toMatchObject({ reason: 'twiml_hangup', spoken: [FALLBACK_APOLOGY] });
    expect(call.heard).toEqual([]);
    expect(faults.model.sessions.length).toBe(before);

    const record = await failedRecord(faults, call.callSid);
    expect(record.call.endReason).toBe('session_failed');
    expect(record.timeline).toContainEqual(
      expect.objectContaining({
        type: 'session.failed',
        payload: expect.objectContaining({ reason: 'invalid_profile', param: 'voice' }),
      }),
    );
    call = undefined;
  });
});

/** The ended call's record once the bridge's `session.failed` is in it too (events land apart). */
async function failedRecord(faults: FaultSystem, callSid: string): Promise<CallRecord> {
  await waitForEndedRecord(faults.system.recorderUrl, callSid);
  return waitForRecord(faults.system.recorderUrl, callSid, (record) =>
    record.timeline.some((entry) => entry.type === 'session.failed'),
  );
}

/** When the fake confirmed mu-law both ways (`performance.now()`), if it did. */
function confirmedPhoneAudioAt(session: FakeRealtimeSession): number | undefined {
  return session.sent.find((s) => {
    if (s.event.type !== 'session.updated') return false;
    const audio = (s.event.session as { audio?: Record<string, { format?: { type?: string } }> }).audio;
    return audio?.input?.format?.type === 'audio/pcmu' && audio?.output?.format?.type === 'audio/pcmu';
  })?.at;
}
