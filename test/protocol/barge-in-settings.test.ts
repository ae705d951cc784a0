/**
 * Issue 12, case 5: barge-in follows the profile. A profile with `interrupt_response: false`
 * (a noisy line) keeps the agent talking over caller noise; the default profile still lets
 * the caller interrupt.
 * Before (c719109) the bridge forced `interrupt_response: true`: the caller's noise cut the
 * quiet profile's agent off mid-greeting (the server cancelled it, the bridge cleared Twilio).
 */
import { migrationsFolder } from '@voice/shared/db';
import { mulawTone, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { type CallRecord, waitForRecord } from '../faults/support/records.js';
import { HeardLines } from './support/heard-lines.js';
import { writeProfile } from './support/profiles.js';

const QUIET_NUMBER = '+15550001041';
const LONG_GREETING =
  'Thank you for calling the building site office. The line is noisy here, so please bear with me: I can take a message for the site manager, check a delivery, or give you our opening hours.';
/** Greeting heard before the caller's noise starts (ms). */
const HEARD_BEFORE_NOISE_MS = 600;
/** A cough, a door: loud enough for the VAD, too short to be a question. */
const NOISE_MS = 300;
/** How soon after the noise starts the agent falls silent when interrupted (generous: VAD, NATS, play-out). */
const CUT_OFF_WITHIN_MS = 1_200;
/** One 20 ms frame: what a heard length may be short of the whole line by rounding. */
const FRAME_MS = 20;

describe('case 5: barge-in settings come from the profile', () => {
  const infra = useTestInfra({ migrationsFolder });
  const lines = new HeardLines();
  let faults: FaultSystem;
  let call: SimulatedCall | undefined;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { model: { ...lines.hooks } });
    const noInterruptions = { type: 'server_vad', interrupt_response: false } as const;
    await writeProfile(faults.database, {
      id: 'site-office',
      phoneNumber: QUIET_NUMBER,
      name: 'Site office (noisy line)',
      instructions: 'You answer the phone of a building site office. Be brief.',
      voice: 'marin',
      greeting: LONG_GREETING,
      turnDetection: noInterruptions,
    });
  });
  afterEach(async () => {
    await call?.hangup();
    call = undefined;
  });
  afterAll(async () => {
    await faults?.stop();
  });

  /**
   * Calls `to`, makes a short noise once the greeting is under way, and waits for the agent to
   * finish; returns the call and the call time of the noise.
   */
  async function noiseDuringGreeting(to?: string): Promise<{ live: SimulatedCall; noiseAt: number }> {
    const live = await faults.call(to ? { to } : {});
    call = live;
    await live.stream?.waitFor(() => (lines.heard(live)[0]?.heardMs ?? 0) >= HEARD_BEFORE_NOISE_MS, 20_000);
    const noiseAt = live.now();
    await live.say(mulawTone(NOISE_MS));
    await agentTurn(live, live.now() - 1, 30_000);
    return { live, noiseAt };
  }

  function greetingTurn(record: CallRecord) {
    return record.transcript.find((turn) => turn.role === 'agent');
  }

  it('interrupt_response false: the caller hears the whole greeting through the noise, nothing is cleared', async () => {
    const { live } = await noiseDuringGreeting(QUIET_NUMBER);
    const session = faults.model.sessions.at(-1);
    const greeting = session?.responses[0];
    const heard = lines.heard(live)[0];
    expect(live.stream?.messages('clear')).toEqual([]);
    expect(heard?.line).toBe(LONG_GREETING);
    expect(greeting?.status).toBe('completed');
    expect(heard?.heardMs).toBeGreaterThanOrEqual((greeting?.audioMs ?? Infinity) - FRAME_MS);
    expect(session?.eventsOf('conversation.item.truncate')).toEqual([]);
    expect(session?.config.audio?.input?.turn_detection).toMatchObject({ interrupt_response: false });
    await live.hangup();

    const record = await waitForRecord(faults.system.recorderUrl, live.callSid, (r) => {
      return r.call.status === 'ended' && greetingTurn(r) !== undefined;
    });
    expect(greetingTurn(record)).toMatchObject({ text: LONG_GREETING, interrupted: false });
  });

  it('the default profile still lets the caller interrupt: cleared, truncated, recorded as interrupted', async () => {
    const { live, noiseAt } = await noiseDuringGreeting();
    const session = faults.model.sessions.at(-1);
    const heard = lines.heard(live)[0];
    expect(live.stream?.messages('clear').length).toBeGreaterThanOrEqual(1);
    // Cut off within moments of the noise, well before the greeting's end.
    const greetingEnd = (heard?.at ?? 0) + (heard?.heardMs ?? 0);
    expect(greetingEnd - noiseAt).toBeLessThan(CUT_OFF_WITHIN_MS);
    expect(session?.eventsOf('conversation.item.truncate')).toHaveLength(1);
    expect(session?.sentOf('error')).toEqual([]);
    await live.hangup();

    const record = await waitForRecord(faults.system.recorderUrl, live.callSid, (r) => {
      return r.call.status === 'ended' && greetingTurn(r) !== undefined;
    });
    expect(greetingTurn(record)).toMatchObject({ interrupted: true });
  });
});
