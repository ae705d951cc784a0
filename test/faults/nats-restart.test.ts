import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { mulawTone, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange, UTTERANCE_MS } from './support/conversation.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { reportFigure } from './support/figures.js';
import { metricValue } from './support/metrics.js';
import { eventsOf, recordProblems, storedCallEvents, waitForRecord } from './support/records.js';

/** How long the server stays dead before it comes back. */
const NATS_DOWN_MS = 2_000;

function echoScript(): FakeRealtimeScript {
  return {
    callerTranscripts: (index) => `This is utterance number ${index + 1}.`,
    rules: [
      {
        when: { callerSaid: 'utterance number' },
        reply: (trigger) => ({ say: `I heard: ${trigger.kind === 'caller' ? trigger.transcript : ''}` }),
      },
    ],
  };
}

// A NATS server given through TEST_NATS_URL belongs to someone else: it cannot be killed here.
describe.skipIf(Boolean(process.env.TEST_NATS_URL))('NATS restarts during live calls', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { script: echoScript() });
  });
  afterAll(async () => {
    await faults?.stop();
  });

  it('reconnects everyone; the calls go on after the gap, and no event is lost or doubled', async () => {
    const calls: SimulatedCall[] = [await faults.call(), await faults.call()];
    await Promise.all(calls.map((call) => agentTurn(call, 0)));
    for (const call of calls) await exchange(call);

    // The second caller has just spoken when the server dies: the model answers into the
    // outage, so that turn's events are published (and retried) around it. Down for a while,
    // then back on the same port with its JetStream store.
    const [first, second] = calls as [SimulatedCall, SimulatedCall];
    await second.say(mulawTone(UTTERANCE_MS));
    const downAt = performance.now();
    await infra.nats.kill();
    await new Promise((resolve) => setTimeout(resolve, NATS_DOWN_MS));
    await infra.nats.restart();
    reportFigure('NATS outage: server down and back (ms)', performance.now() - downAt);

    const after = await exchange(first, 20_000);
    reportFigure('NATS outage: first answer after the restart (ms)', after.answeredAt - after.saidAt);
    expect(after.answeredAt - after.saidAt).toBeLessThan(5_000);
    const later = await exchange(second, 20_000);
    expect(later.answeredAt - later.saidAt).toBeLessThan(3_000);

    // Silence during the outage is not a dead bridge: no call moved.
    expect(await metricValue(faults.system.gatewayUrl, 'gateway_bridge_moves_total')).toBe(0);

    await Promise.all(calls.map((call) => call.hangup()));
    for (const call of calls) {
      const record = await waitForRecord(
        faults.system.recorderUrl,
        call.callSid,
        (r) => r.timeline.some((entry) => entry.type === 'call.ended') && r.transcript.length >= 5,
      );
      expect(recordProblems(record)).toEqual([]);
      const stored = await storedCallEvents(faults.nc, call.callSid);
      expect(stored.duplicates).toEqual([]);
      expect(eventsOf(stored, 'call.started')).toHaveLength(1);
      expect(eventsOf(stored, 'stream.started')).toEqual([expect.objectContaining({ resumed: false })]);
      expect(eventsOf(stored, 'call.ended')).toHaveLength(1);
      const turns = eventsOf(stored, 'transcript.turn');
      expect(turns.map((turn) => turn.itemId).sort()).toEqual(
        record.transcript.map((turn) => turn.itemId).sort(),
      );
      const spoken = record.transcript.map((turn) => `${turn.role}: ${turn.text}`);
      for (const line of spoken.filter((text) => text.startsWith('caller: '))) {
        expect(spoken).toContain(`agent: I heard: ${line.slice('caller: '.length)}`);
      }
    }
    const secondRecord = await waitForRecord(faults.system.recorderUrl, second.callSid, () => true);
    expect(secondRecord.transcript.filter((turn) => turn.role === 'caller')).toHaveLength(3);
    expect(faults.leaks()).toEqual([]);
  });
});
