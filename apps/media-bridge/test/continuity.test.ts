import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeSession } from '@voice/testkit/openai';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, startBridgeHarness, TEST_GREETING } from './support/bridge-harness.js';
import { FakeGatewayCall } from './support/fake-gateway.js';

const infra = useTestInfra({ migrationsFolder });
const AGENT = 'continuity-agent';
const MS_PER_CHAR = 40;
const NICE = 'Nice to meet you, Jordan.';

/** Message items replayed into a session, as [role, text]. */
function replayed(session: FakeRealtimeSession): Array<[string, string]> {
  return session
    .eventsOf('conversation.item.create')
    .filter((e) => e.item.type === 'message')
    .map((e) => {
      const content = e.item.content as Array<{ text?: string }>;
      return [String(e.item.role), content.map((c) => c.text ?? '').join('')];
    });
}

async function startedCall(harness: BridgeHarness): Promise<FakeGatewayCall> {
  const call = await FakeGatewayCall.claim(harness.nc, { agentId: AGENT });
  call.start();
  await call.waitFor(() => call.heardMs >= TEST_GREETING.length * MS_PER_CHAR, 15_000, 'the greeting');
  await call.waitForPlaybackIdle();
  return call;
}

describe('when the model socket drops', () => {
  let harness: BridgeHarness;
  beforeAll(async () => {
    harness = await startBridgeHarness({
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      agents: [{ id: AGENT, allowedTools: ['end_call'] }],
      fake: { speechMsPerChar: MS_PER_CHAR },
    });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('opens a new session with the same configuration and the conversation so far, and the call goes on', async () => {
    harness.fake.setScript({
      callerTranscripts: ['My name is Jordan', 'What is my name?'],
      rules: [
        { when: { callerSaid: /my name is/i }, reply: { say: NICE } },
        { when: { callerSaid: /what is my name/i }, reply: { say: 'Your name is Jordan.' } },
      ],
    });
    const call = await startedCall(harness);
    call.say(600);
    await call.waitFor(
      () => call.heardMs >= (TEST_GREETING.length + NICE.length) * MS_PER_CHAR,
      15_000,
      'the reply',
    );
    await call.waitForPlaybackIdle();
    const first = harness.fake.sessions.at(-1)!;
    const sessionsBefore = harness.fake.sessions.length;

    first.dropSocket();
    const second = await harness.fake.waitForSession(sessionsBefore);
    await second.waitForEvent('session.update');
    await harness.fake.waitFor(() => replayed(second).length === 3);
    expect(second.config.tools).toEqual(first.config.tools);
    expect(second.config.instructions).toBe(first.config.instructions);
    expect(second.config.audio).toEqual(first.config.audio);
    expect(replayed(second)).toEqual([
      ['assistant', TEST_GREETING],
      ['user', 'My name is Jordan'],
      ['assistant', NICE],
    ]);
    expect(second.eventsOf('response.create')).toEqual([]);
    const restored = await call.waitFor(() => harness.eventsOf(call.claim.callSid, 'session.restored')[0]);
    expect(restored).toMatchObject({ reason: 'socket_dropped', bridgeId: 'media-bridge-test' });
    const gap = await call.waitFor(() =>
      harness.eventsOf(call.claim.callSid, 'latency').find((l) => l.kind === 'session_restore'),
    );
    expect(gap.valueMs).toBeLessThan(2_000);

    const before = call.heardMs;
    call.say(600);
    await call.waitFor(
      () => call.heardMs >= before + 'Your name is Jordan.'.length * MS_PER_CHAR,
      15_000,
      'the next reply',
    );
    expect(second.conversation.items.some((i) => i.role === 'user' && i.text === 'What is my name?')).toBe(
      true,
    );
    expect(call.controls('release')).toEqual([]);
    expect(harness.ingress.commandsFor(call.claim.callSid)).toEqual([]);
    call.stop('caller_hangup');
  });

  it('answers the caller after a drop that lost their turn, instead of leaving them in silence', async () => {
    harness.fake.setScript({ callerTranscripts: ['Hello?'], defaultReply: { say: 'Yes, I am here.' } });
    const call = await startedCall(harness);
    const session = harness.fake.sessions.at(-1)!;
    const sessionsBefore = harness.fake.sessions.length;
    session.delayNextResponse(5_000);
    call.say(500);
    await harness.fake.waitFor(() => session.activeResponse);
    session.dropSocket();
    const next = await harness.fake.waitForSession(sessionsBefore);
    const redo = await next.waitForEvent('response.create');
    expect(redo.response?.metadata).toEqual({ purpose: 'restore' });
    const lastItem = next.eventsOf('conversation.item.create').at(-1)?.item;
    if (lastItem?.role === 'system') expect(JSON.stringify(lastItem.content)).toContain('ask them to repeat');
    else expect(lastItem).toMatchObject({ role: 'user', content: [{ text: 'Hello?' }] });
    await call.waitFor(
      () => call.heardMs >= (TEST_GREETING.length + 'Yes, I am here.'.length) * MS_PER_CHAR,
      15_000,
      'the redone reply',
    );
    call.stop('caller_hangup');
  });
});

describe('before the model session cap', () => {
  let harness: BridgeHarness;
  beforeAll(async () => {
    harness = await startBridgeHarness({
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      agents: [{ id: AGENT, allowedTools: ['end_call'] }],
      fake: { speechMsPerChar: MS_PER_CHAR },
      settings: { modelSessionMaxMs: 3_000 },
    });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('rotates to a fresh session at a quiet moment, new one ready before the old one closes', async () => {
    harness.fake.setScript({
      callerTranscripts: ['Are you still there?'],
      defaultReply: { say: 'I am still here.' },
    });
    const call = await startedCall(harness);
    const first = harness.fake.sessions.at(-1)!;
    const second = await harness.fake.waitForSession(harness.fake.sessions.indexOf(first) + 1, 15_000);
    await harness.fake.waitFor(() => first.closed, 10_000, 'the old session to close');
    expect(first.closed?.code).toBe(1000);
    expect(replayed(second)).toEqual([['assistant', TEST_GREETING]]);
    const restored = await call.waitFor(() => harness.eventsOf(call.claim.callSid, 'session.restored')[0]);
    expect(restored.reason).toBe('session_cap');

    const before = call.heardMs;
    call.say(500);
    await call.waitFor(
      () => call.heardMs >= before + 'I am still here.'.length * MS_PER_CHAR,
      15_000,
      'a reply',
    );
    expect(second.responses.length + (harness.fake.sessions.at(-1)?.responses.length ?? 0)).toBeGreaterThan(
      0,
    );
    call.stop('caller_hangup');
  });
});
