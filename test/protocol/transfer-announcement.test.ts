/**
 * Issue 12, case 7: a transfer must not cut the agent off.
 *
 * Before (c719109): the escalation service moved the call with a REST update as soon as a
 * human was reserved, about a tenth of a second after `escalate_to_human`. Twilio replaces the
 * TwiML at once and drops the audio the stream has not played, so the caller heard the greeting,
 * then none (or the first syllables) of "I am connecting you with a colleague now…", then the
 * ringing. After: the bridge says when that line has played to its last mark, the service
 * moves the call only then (or after a bound), and a 429 on the update is waited out.
 * The hang-up after a goodbye goes through the same REST client: before, four 429s in a row
 * outlasted the SDK's three quick retries and the caller heard the gateway's apology after
 * the agent's goodbye; now they are waited out and the call simply ends.
 */
import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { MULAW_BYTES_PER_MS, mulawTone, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentTurn, UTTERANCE_MS } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { type CallRecord, waitForRecord } from '../faults/support/records.js';

const ANNOUNCEMENT =
  'I am connecting you with a colleague from the front desk now, please stay on the line for a moment.';
/** Agent speech per character of its line: the announcement lasts about 4 s at real pace. */
const SPEECH_MS_PER_CHAR = 40;
const ANNOUNCEMENT_MS = ANNOUNCEMENT.length * SPEECH_MS_PER_CHAR;
/** One 20 ms frame of slack: Twilio's frames need not line up with the model's chunks. */
const FRAME_SLACK_MS = 20;
const HUMANS = ['+15550102001', '+15550102002'];
const GOODBYE = 'Thank you for calling, goodbye!';
/** One more than the SDK's own 429 retries (node_modules/twilio/lib/base/RequestClient.js). */
const HANG_UP_429S = 4;

function handOffScript(): FakeRealtimeScript {
  return {
    callerTranscripts: ['Can I talk to a person about my bill, please?'],
    rules: [
      {
        when: { callerSaid: 'a person' },
        reply: {
          calls: [
            {
              name: 'escalate_to_human',
              arguments: { reason: 'billing question', summary: 'Asks about a charge.', priority: 'normal' },
            },
          ],
        },
      },
      { when: { functionOutput: { name: 'escalate_to_human' } }, reply: { say: ANNOUNCEMENT } },
    ],
  };
}

function goodbyeScript(): FakeRealtimeScript {
  return {
    callerTranscripts: ['That is all, goodbye.'],
    rules: [
      { when: { callerSaid: 'goodbye' }, reply: { calls: [{ name: 'end_call', arguments: {} }] } },
      { when: { functionOutput: { name: 'end_call' } }, reply: { say: GOODBYE } },
    ],
  };
}

/** Agent audio the caller heard after call time `since` (ms of audio). */
function heardMsAfter(call: SimulatedCall, since: number): number {
  const bytes = call.heard.filter((chunk) => chunk.at > since).reduce((sum, c) => sum + c.bytes.length, 0);
  return bytes / MULAW_BYTES_PER_MS;
}

describe('a transfer waits until the caller has heard the agent announce it (issue 12, case 7)', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { model: { speechMsPerChar: SPEECH_MS_PER_CHAR } });
  });
  // Each call hears the script from its start (the caller's transcripts are consumed in order).
  beforeEach(() => faults.model.setScript(handOffScript()));
  afterAll(() => faults?.stop());

  /** After the greeting the caller asks for a person; resolves once the call is on the `<Dial>`. */
  async function askForAPerson(call: SimulatedCall) {
    await call.say(mulawTone(UTTERANCE_MS));
    const saidAt = call.now();
    await call.waitFor(() => call.transferred, { timeoutMs: 30_000, description: 'the transfer' });
    return saidAt;
  }

  /** The caller heard the whole announcement, and only then did the REST update take the call. */
  function expectWholeAnnouncementBeforeTransfer(call: SimulatedCall, saidAt: number) {
    const [takeover, ...later] = call.restTakeovers;
    expect(later).toEqual([]);
    expect(takeover?.update.twiml).toMatch(/<Dial /);
    expect(HUMANS).toContain(/<Number[^>]*>(\+\d+)<\/Number>/.exec(takeover?.update.twiml ?? '')?.[1]);
    expect(heardMsAfter(call, saidAt)).toBeGreaterThanOrEqual(ANNOUNCEMENT_MS - FRAME_SLACK_MS);
    expect(takeover?.unplayedBytes).toBe(0);
    expect(takeover?.at).toBeGreaterThanOrEqual(call.heard.at(-1)?.at ?? Number.POSITIVE_INFINITY);
  }

  async function transferredRecord(call: SimulatedCall): Promise<CallRecord> {
    await call.hangup();
    return waitForRecord(
      faults.system.recorderUrl,
      call.callSid,
      (r) => r.call.status === 'ended' && r.call.endReason === 'transferred' && r.escalations.length === 1,
    );
  }

  it('plays the whole announcement, then moves the call to the human once', async () => {
    const call = await faults.call();
    await agentTurn(call, 0);
    const saidAt = await askForAPerson(call);
    expectWholeAnnouncementBeforeTransfer(call, saidAt);
    expect(faults.twilio.updatesFor(call.callSid)).toHaveLength(1);

    const record = await transferredRecord(call);
    expect(record.escalations[0]?.status).toBe('dialing');
    expect(record.transcript.filter((t) => t.role === 'agent').at(-1)).toMatchObject({
      text: ANNOUNCEMENT,
      interrupted: false,
    });
  });

  it('a 429 on the transfer is waited out: the call still moves once, after the announcement', async () => {
    const call = await faults.call();
    await agentTurn(call, 0);
    // Twilio's stream status callback reporting a failed stream is accepted, not refused.
    expect((await call.postStreamError())?.status).toBe(204);
    faults.twilio.rateLimitNext(1, { retryAfterSeconds: 1 });
    const saidAt = await askForAPerson(call);

    expectWholeAnnouncementBeforeTransfer(call, saidAt);
    expect(faults.twilio.rejected.filter((r) => r.callSid === call.callSid).map((r) => r.code)).toEqual([
      20429,
    ]);
    expect(faults.twilio.updatesFor(call.callSid)).toHaveLength(1);
    const record = await transferredRecord(call);
    expect(record.escalations[0]?.status).toBe('dialing');
  });

  it('four 429s on the hang-up after a goodbye are waited out: the call ends, no apology', async () => {
    faults.model.setScript(goodbyeScript());
    const call = await faults.call();
    await agentTurn(call, 0);
    faults.twilio.rateLimitNext(HANG_UP_429S);
    await call.say(mulawTone(UTTERANCE_MS));
    const end = await call.ended;

    expect(end).toMatchObject({ reason: 'rest_completed', spoken: [] });
    expect(faults.twilio.rejected.filter((r) => r.callSid === call.callSid)).toHaveLength(HANG_UP_429S);
    expect(faults.twilio.updatesFor(call.callSid)).toEqual([
      expect.objectContaining({ status: 'completed' }),
    ]);
    const record = await waitForRecord(
      faults.system.recorderUrl,
      call.callSid,
      (r) => r.call.status === 'ended' && r.call.endReason !== null,
    );
    expect(record.call.endReason).toBe('agent_ended');
  });
});
