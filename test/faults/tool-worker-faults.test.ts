import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange } from './support/conversation.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { reportFigure } from './support/figures.js';
import { eventsOf, recordProblems, storedCallEvents, waitForEndedRecord } from './support/records.js';
import { signalApp, wakeAll } from './support/signals.js';

/** The tool runner's deadline in this suite: short, so a hung worker costs the caller little. */
const TOOL_TIMEOUT_MS = 2_000;
const TOO_SLOW = 'Sorry, that is taking too long right now.';
const NOBODY = 'Sorry, I cannot look that up at the moment.';
const FOUND = 'I found your record, Jordan.';

function lookupScript(): FakeRealtimeScript {
  return {
    callerTranscripts: (index) => `Please look up my record, attempt ${index + 1}.`,
    rules: [
      { when: { callerSaid: 'look up' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
      {
        when: { functionOutput: { name: 'lookup_record', output: /"code":"timeout"/ } },
        reply: { say: TOO_SLOW },
      },
      { when: { functionOutput: { name: 'lookup_record', output: /"ok":false/ } }, reply: { say: NOBODY } },
      { when: { functionOutput: { name: 'lookup_record' } }, reply: { say: FOUND } },
    ],
  };
}

describe('a tool worker hangs or dies', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, {
      script: lookupScript(),
      appEnv: { 'tool-runner': { TOOL_TIMEOUT_MS: String(TOOL_TIMEOUT_MS) } },
    });
  });
  afterAll(async () => {
    wakeAll(faults?.system.apps ?? []);
    await faults?.stop();
  });

  it('a hung worker times out into a clear answer, another instance serves, and with none left the tool is unavailable', async () => {
    const call = await faults.call();
    await agentTurn(call, 0);
    const first = faults.system.app('tool-runner');

    signalApp(first, 'SIGSTOP');
    const hung = await exchange(call, 20_000);
    // The agent fills the wait ("one moment"), then says the tool took too long.
    reportFigure('tool worker hung: first words heard (ms)', hung.answeredAt - hung.saidAt);
    reportFigure('tool worker hung: end of the timeout answer (ms)', hung.doneAt - hung.saidAt);
    expect(hung.answeredAt - hung.saidAt).toBeLessThan(TOOL_TIMEOUT_MS + 2_000);

    const second = await faults.system.startInstance('tool-runner');
    await first.process.kill();
    const served = await exchange(call);
    reportFigure('tool worker died: answer from another instance (ms)', served.answeredAt - served.saidAt);
    expect(served.answeredAt - served.saidAt).toBeLessThan(3_000);

    await second.process.kill();
    const none = await exchange(call);
    expect(none.answeredAt - none.saidAt).toBeLessThan(3_000);
    await call.hangup();

    const record = await waitForEndedRecord(faults.system.recorderUrl, call.callSid);
    expect(recordProblems(record)).toEqual([]);
    expect(record.tools.map((tool) => [tool.name, tool.status, tool.errorCode])).toEqual([
      ['lookup_record', 'error', 'timeout'],
      ['lookup_record', 'ok', null],
      ['lookup_record', 'error', 'unavailable'],
    ]);
    const spoken = record.transcript.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
    expect(spoken).toEqual(expect.arrayContaining([TOO_SLOW, FOUND, NOBODY]));
    const stored = await storedCallEvents(faults.nc, call.callSid);
    expect(stored.duplicates).toEqual([]);
    const timedOut = eventsOf(stored, 'tool.completed')[0];
    expect(timedOut?.latencyMs).toBeGreaterThanOrEqual(TOOL_TIMEOUT_MS);
    expect(timedOut?.latencyMs).toBeLessThan(TOOL_TIMEOUT_MS + 1_000);
    expect(faults.leaks()).toEqual([]);
  });
});
