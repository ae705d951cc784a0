import { migrationsFolder } from '@voice/shared/db';
import { TcpProxy, targetOf, throughProxy } from '@voice/testkit/infra';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange } from './support/conversation.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { reportFigure } from './support/figures.js';
import { eventsOf, recordProblems, storedCallEvents, waitForRecord } from './support/records.js';

/** As the issue puts it: Postgres is away for half a minute. */
const OUTAGE_MS = 30_000;
const POSTGRES_PORT = 5_432;
const CANNOT_LOOK_UP = 'Sorry, I cannot look that up right now. Please try again later.';
const CONNECTING = 'I am connecting you with a colleague now.';

function outageScript(): FakeRealtimeScript {
  return {
    callerTranscripts: [
      'When is my next appointment?',
      'Then I would like to talk to a person, please.',
      'Are you still there?',
    ],
    rules: [
      { when: { callerSaid: 'appointment' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
      {
        when: { functionOutput: { name: 'lookup_record', output: /"ok":false/ } },
        reply: { say: CANNOT_LOOK_UP },
      },
      {
        when: { callerSaid: 'a person' },
        reply: {
          calls: [
            {
              name: 'escalate_to_human',
              arguments: {
                reason: 'wants a person',
                summary: 'Could not look up the appointment.',
                priority: 'normal',
              },
            },
          ],
        },
      },
      { when: { functionOutput: { name: 'escalate_to_human' } }, reply: { say: CONNECTING } },
      { when: { callerSaid: 'still there' }, reply: { say: 'Yes, I am still here with you.' } },
    ],
  };
}

describe('Postgres is down for 30 s during a call', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = new TcpProxy(targetOf(infra.databaseUrl, POSTGRES_PORT));
    const port = await proxy.start();
    faults = await startFaultSystem(infra, {
      script: outageScript(),
      appDatabaseUrl: throughProxy(infra.databaseUrl, port),
      // Redeliveries back off to at most 3 s, so the wait after the outage stays short.
      appEnv: { escalation: { INTAKE_MAX_BACKOFF_MS: '3000' } },
    });
  });
  afterAll(async () => {
    await faults?.stop();
    await proxy?.stop();
  });

  it('tools answer a clear error, the call goes on, and events and the escalation land once it is back', async () => {
    const call = await faults.call();
    await agentTurn(call, 0);
    const downAt = Date.now();
    proxy.pause();

    const lookup = await exchange(call);
    expect(lookup.answeredAt - lookup.saidAt).toBeLessThan(4_000);
    const handOff = await exchange(call);
    expect(handOff.answeredAt - handOff.saidAt).toBeLessThan(4_000);
    const still = await exchange(call);
    expect(still.answeredAt - still.saidAt).toBeLessThan(3_000);
    expect(call.isEnded || call.transferred).toBe(false);

    // Nothing has reached Postgres, and nobody has dialled a human yet: it all waits in JetStream.
    const during = await storedCallEvents(faults.nc, call.callSid);
    const lookupDone = eventsOf(during, 'tool.completed').find((e) => e.name === 'lookup_record');
    expect(lookupDone).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(lookupDone?.error?.message).toMatch(/./);
    expect(faults.twilio.updates.filter((u) => u.callSid === call.callSid)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + OUTAGE_MS - Date.now())));
    proxy.resume();
    const upAt = Date.now();

    // The escalation is taken up, and the human is dialled: the call moves off the stream.
    await call.waitFor(() => call.transferred, { timeoutMs: 45_000, description: 'the transfer to a human' });
    reportFigure('Postgres outage: back to the transfer to a human (ms)', Date.now() - upAt);

    const expectedLines = [
      'caller: When is my next appointment?',
      `agent: ${CANNOT_LOOK_UP}`,
      'caller: Then I would like to talk to a person, please.',
      `agent: ${CONNECTING}`,
      'caller: Are you still there?',
      'agent: Yes, I am still here with you.',
    ];
    const record = await waitForRecord(
      faults.system.recorderUrl,
      call.callSid,
      (r) => {
        const lines = r.transcript.map((turn) => `${turn.role}: ${turn.text}`);
        return (
          r.escalations.length > 0 &&
          r.tools.length === 2 &&
          expectedLines.every((line) => lines.includes(line))
        );
      },
      45_000,
    );
    reportFigure('Postgres outage: back to the record complete (ms)', Date.now() - upAt);
    expect(recordProblems(record)).toEqual([]);
    expect(record.tools.map((tool) => [tool.name, tool.status, tool.errorCode])).toEqual([
      ['lookup_record', 'error', 'unavailable'],
      ['escalate_to_human', 'ok', null],
    ]);
    expect(record.escalations).toHaveLength(1);

    await call.hangup();
    // The call ended while handed to a human: once the recorder has both the end and the
    // hand-off's dialing status (two consumers, either may come first), the reason says so.
    const ended = await waitForRecord(
      faults.system.recorderUrl,
      call.callSid,
      (r) =>
        r.timeline.some((entry) => entry.type === 'call.ended') &&
        r.timeline.some((entry) => entry.type === 'escalation.status' && entry.payload.status === 'dialing'),
    );
    expect(ended.call.endReason).toBe('transferred');
    const stored = await storedCallEvents(faults.nc, call.callSid);
    expect(stored.duplicates).toEqual([]);
    expect(eventsOf(stored, 'call.ended')).toHaveLength(1);
    expect(faults.leaks()).toEqual([]);
  });
});
