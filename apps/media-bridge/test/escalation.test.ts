import { jetstreamManager } from '@nats-io/jetstream';
import {
  encodeJson,
  escalationAnnouncedSchema,
  escalationRequestedSchema,
  escalationStatusSchema,
  subjects,
} from '@voice/shared/contracts';
import { migrationsFolder } from '@voice/shared/db';
import { jetstream, publishContract, STREAMS } from '@voice/shared/nats';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BridgeHarness, startBridgeHarness, TEST_GREETING } from './support/bridge-harness.js';
import { FakeGatewayCall } from './support/fake-gateway.js';

const infra = useTestInfra({ migrationsFolder });
const AGENT = 'escalating-agent';
const MS_PER_CHAR = 40;
const CONNECTING = 'I am connecting you with a colleague now.';
const CALLBACK_MESSAGE = 'A colleague will call you back today at three pm.';

let harness: BridgeHarness;

beforeAll(async () => {
  harness = await startBridgeHarness({
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    agents: [{ id: AGENT, allowedTools: ['escalate_to_human', 'end_call'] }],
    fake: {
      speechMsPerChar: MS_PER_CHAR,
      script: {
        callerTranscripts: ['I want to speak to a person'],
        rules: [
          {
            when: { callerSaid: /person/ },
            reply: {
              calls: [
                {
                  name: 'escalate_to_human',
                  callId: 'call_esc_1',
                  arguments: {
                    reason: 'asked for a person',
                    summary: 'Caller wants a human.',
                    priority: 'high',
                  },
                },
              ],
            },
          },
          { when: { functionOutput: { name: 'escalate_to_human' } }, reply: { say: CONNECTING } },
          {
            when: { text: /Hand-off update: callback_scheduled/ },
            reply: (trigger) => ({
              say:
                trigger.kind === 'text'
                  ? (/Message for the caller: (.*?) Tell the caller/.exec(trigger.text)?.[1] ?? '')
                  : '',
            }),
          },
        ],
      },
    },
  });
});

afterAll(async () => {
  await harness?.stop();
});

describe('escalate_to_human', () => {
  it('publishes one deduplicated hand-off request, lets the agent say so, and tells the caller about a call-back', async () => {
    const call = await FakeGatewayCall.claim(harness.nc, { agentId: AGENT });
    call.start();
    await call.waitFor(() => call.heardMs >= TEST_GREETING.length * MS_PER_CHAR, 15_000, 'the greeting');
    await call.waitForPlaybackIdle();
    call.say(600);
    await call.waitFor(
      () => call.heardMs >= (TEST_GREETING.length + CONNECTING.length) * MS_PER_CHAR,
      15_000,
      'the connecting line',
    );

    const jsm = await jetstreamManager(harness.nc);
    const stored = await jsm.streams.getMessage(STREAMS.escalations.name, {
      last_by_subj: subjects.escalationRequested,
    });
    if (!stored) throw new Error('no escalation request in the ESCALATIONS stream');
    const escalationId = `${call.claim.callSid}:call_esc_1`;
    expect(stored.header.get('Nats-Msg-Id')).toBe(escalationId);
    const request = escalationRequestedSchema.parse(stored.json());
    expect(request).toMatchObject({
      escalationId,
      callSid: call.claim.callSid,
      toolCallId: 'call_esc_1',
      agentId: AGENT,
      caller: call.claim.from,
      reason: 'asked for a person',
      summary: 'Caller wants a human.',
      priority: 'high',
    });
    expect(request.transcript.map((t) => [t.role, t.text])).toEqual([
      ['agent', TEST_GREETING],
      ['caller', 'I want to speak to a person'],
    ]);
    const again = await publishContract(
      jetstream(harness.nc),
      subjects.escalationRequested,
      escalationRequestedSchema,
      request,
      escalationId,
    );
    expect(again.duplicate).toBe(true);

    await call.waitForPlaybackIdle();
    // The connecting line played to its last mark: the escalation service may move the call now.
    const announced = await vi.waitFor(async () => {
      const fact = await jsm.streams.getMessage(STREAMS.escalations.name, {
        last_by_subj: subjects.escalationAnnounced(call.claim.callSid),
      });
      if (!fact) throw new Error('no hand-off fact yet');
      return fact;
    });
    expect(announced.header.get('Nats-Msg-Id')).toBe(`${escalationId}:announced`);
    expect(escalationAnnouncedSchema.parse(announced.json())).toMatchObject({
      escalationId,
      callSid: call.claim.callSid,
    });
    // The request once (the repeat was dropped) and the hand-off fact.
    expect((await jsm.streams.info(STREAMS.escalations.name)).state.messages).toBe(2);
    const before = call.heardMs;
    const js = jetstream(harness.nc);
    for (const [n, status] of (['dialing', 'callback_scheduled'] as const).entries()) {
      await js.publish(
        subjects.escalationStatus(call.claim.callSid),
        encodeJson(escalationStatusSchema, {
          eventId: `${escalationId}:status:${n}`,
          escalationId,
          callSid: call.claim.callSid,
          status,
          ...(status === 'callback_scheduled' ? { message: CALLBACK_MESSAGE } : {}),
          at: new Date().toISOString(),
        }),
        { msgID: `${escalationId}:status:${n}` },
      );
    }
    await call.waitFor(
      () => call.heardMs >= before + CALLBACK_MESSAGE.length * MS_PER_CHAR,
      15_000,
      'the call-back message',
    );
    const session = harness.fake.sessions.at(-1)!;
    const notes = session
      .eventsOf('conversation.item.create')
      .filter((e) => e.item.type === 'message' && e.item.role === 'system')
      .map((e) => JSON.stringify(e.item.content));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('callback_scheduled');
    expect(notes[0]).toContain(CALLBACK_MESSAGE);
    expect(
      session
        .eventsOf('response.create')
        .filter((e) => e.response?.metadata?.purpose === 'escalation_update'),
    ).toHaveLength(1);
    expect(harness.eventsOf(call.claim.callSid, 'tool.completed')).toMatchObject([
      { name: 'escalate_to_human', ok: true },
    ]);
    call.stop('transferred');
  });
});
