/**
 * Issue 12, case 6: only items that carry audio are truncated. The caller talks over the agent
 * just after the next response announced its spoken item, before any audio of it: the real
 * server refuses to truncate that item (`unsupported_content_type`, livekit/agents #6157).
 * Before (c719109) the caller heard the same clear, but the bridge truncated every item of the
 * response, and the server answered with an error (a model error on every such barge-in).
 */
import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { mulawTone } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, UTTERANCE_MS } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { recordProblems, waitForRecord } from '../faults/support/records.js';
import { HeardLines } from './support/heard-lines.js';

const CHECKING =
  'Of course. Let me pull up your record; it has the visits of the last two years, so this may take a moment while I read through it.';
const FOUND = 'I found your record, Jordan, and your next cleaning is on Tuesday.';
const GO_AHEAD = 'Sure, go ahead.';
/** The found line's item waits this long for audio: the caller talks well within it. */
const NO_AUDIO_YET_MS = 20_000;

function script(): FakeRealtimeScript {
  return {
    callerTranscripts: ['Can you check my record?', 'Sorry, one more thing.'],
    rules: [
      {
        when: { callerSaid: 'check my record' },
        reply: { say: CHECKING, calls: [{ name: 'lookup_record', arguments: {} }] },
      },
      {
        when: { functionOutput: { name: 'lookup_record' } },
        reply: { say: FOUND, audioAfterMs: NO_AUDIO_YET_MS },
      },
      { when: { callerSaid: 'one more thing' }, reply: { say: GO_AHEAD } },
    ],
  };
}

describe('case 6: only audio items are truncated', () => {
  const infra = useTestInfra({ migrationsFolder });
  const lines = new HeardLines();
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { script: script(), model: { ...lines.hooks } });
  });
  afterAll(async () => {
    await faults?.stop();
  });

  it('a barge-in before the next item has audio: no server error, the caller hears the clear', async () => {
    const call = await faults.call();
    await agentTurn(call, 0);
    await call.say(mulawTone(UTTERANCE_MS));
    const session = await faults.model.waitForSession(0);
    const silentItem = await faults.model.waitFor(
      () => session.responses.find((r) => r.said === FOUND)?.outputs[0],
      20_000,
      'the found line announced',
    );
    expect(silentItem.audioMs).toBe(0);
    // The checking line is still playing at Twilio: the caller talks over it.
    expect(call.stream?.pendingPlaybackBytes ?? 0).toBeGreaterThan(0);
    await call.say(mulawTone(UTTERANCE_MS));
    await call.stream?.waitFor(() => lines.heard(call).some((l) => l.line === GO_AHEAD), 20_000);
    await agentTurn(call, call.now() - 1, 20_000);
    await call.hangup();

    expect(session.sentOf('error')).toEqual([]);
    const checkingItem = session.responses.find((r) => r.said === CHECKING)?.outputs[0];
    expect(session.eventsOf('conversation.item.truncate').map((t) => t.item_id)).toEqual([checkingItem?.id]);
    expect(session.sentOf('conversation.item.truncated')).toHaveLength(1);
    expect(call.stream?.messages('clear').length).toBeGreaterThanOrEqual(1);
    const heard = lines.heard(call).map((l) => l.line);
    expect(heard.slice(1)).toEqual([CHECKING, GO_AHEAD]);

    const record = await waitForRecord(
      faults.system.recorderUrl,
      call.callSid,
      (r) => r.call.status === 'ended' && r.transcript.some((t) => t.text === GO_AHEAD),
    );
    expect(recordProblems(record)).toEqual([]);
    const checking = record.transcript.find((t) => t.itemId === checkingItem?.id);
    expect(checking?.interrupted).toBe(true);
    expect(CHECKING.startsWith(checking?.text ?? '-')).toBe(true);
    expect(record.transcript.find((t) => t.itemId === silentItem.id)).toMatchObject({
      text: '',
      interrupted: true,
      heardMs: 0,
    });
    expect(record.tools.map((t) => [t.name, t.status])).toEqual([['lookup_record', 'ok']]);
  });
});
