import { migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeSession } from '@voice/testkit/openai';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FILLER_LINE } from '../src/model/session-config.js';
import { type BridgeHarness, startBridgeHarness, TEST_GREETING } from './support/bridge-harness.js';
import { FakeGatewayCall } from './support/fake-gateway.js';
import { startToolWorker, type TestToolWorker } from './support/tool-worker.js';

const infra = useTestInfra({ migrationsFolder });
const AGENT = 'tools-agent';
const MS_PER_CHAR = 40;
const OBJECT = { type: 'object', properties: {}, additionalProperties: false };

let harness: BridgeHarness;
let worker: TestToolWorker;
const calls: FakeGatewayCall[] = [];

beforeAll(async () => {
  harness = await startBridgeHarness({
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    agents: [
      {
        id: AGENT,
        allowedTools: ['lookup_record', 'find_open_slots', 'slow_lookup', 'book_slot', 'end_call'],
        toolFillerAfterMs: 200,
      },
    ],
    fake: { speechMsPerChar: MS_PER_CHAR },
  });
  worker = await startToolWorker(harness.nc, [
    {
      name: 'lookup_record',
      description: 'Find the caller by their number',
      parameters: OBJECT,
      handler: (request) => ({
        ok: true,
        replayed: false,
        result: { name: 'Jordan', phone: request.context.from },
      }),
    },
    {
      name: 'find_open_slots',
      description: 'Open appointment slots',
      parameters: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
      handler: async () => {
        await new Promise((r) => setTimeout(r, 100));
        return { ok: true, replayed: false, result: { slots: ['09:00', '10:30'] } };
      },
    },
    {
      name: 'slow_lookup',
      description: 'Never answers in time',
      parameters: OBJECT,
      timeoutMs: 1_500,
      handler: () => undefined,
    },
    {
      name: 'book_slot',
      description: 'Book a slot',
      parameters: { type: 'object', properties: { slot: { type: 'string' } }, required: ['slot'] },
      handler: (request) =>
        typeof (request.arguments as { slot?: unknown }).slot === 'string'
          ? { ok: true, replayed: false, result: { booked: true } }
          : {
              ok: false,
              error: { code: 'bad_arguments', message: 'slot: expected a string', retryable: true },
            },
    },
    {
      name: 'secret_tool',
      description: 'Not for this agent',
      parameters: OBJECT,
      handler: () => ({ ok: true, replayed: false, result: {} }),
    },
  ]);
});

afterEach(() => {
  for (const call of calls.splice(0)) call.stop('call_ended');
});

afterAll(async () => {
  await worker?.stop();
  await harness?.stop();
});

/** A started call whose greeting has played. */
async function callAfterGreeting(): Promise<{ call: FakeGatewayCall; session: FakeRealtimeSession }> {
  const call = await FakeGatewayCall.claim(harness.nc, { agentId: AGENT });
  calls.push(call);
  call.start();
  await call.waitFor(() => call.heardMs >= TEST_GREETING.length * MS_PER_CHAR, 15_000, 'the greeting');
  await call.waitForPlaybackIdle();
  return { call, session: harness.fake.sessions.at(-1)! };
}

const outputs = (session: FakeRealtimeSession) =>
  session
    .eventsOf('conversation.item.create')
    .filter((e) => e.item.type === 'function_call_output')
    .map((e) => ({ callId: String(e.item.call_id), output: JSON.parse(String(e.item.output)) }));

describe('the tool loop', () => {
  it('offers the allowed tools that workers serve, runs parallel calls over NATS and continues once all answered', async () => {
    harness.fake.setScript({
      callerTranscripts: ['Can I get an appointment on Monday?'],
      rules: [
        {
          when: { callerSaid: /appointment/ },
          reply: {
            calls: [
              { name: 'lookup_record', arguments: {}, callId: 'call_lookup_1' },
              { name: 'find_open_slots', arguments: { day: 'monday' }, callId: 'call_slots_1' },
            ],
          },
        },
        {
          when: { functionOutput: { name: 'find_open_slots' } },
          reply: { say: 'Jordan, Monday at nine is free.' },
        },
      ],
    });
    const { call, session } = await callAfterGreeting();
    const offered = session.config.tools ?? [];
    expect(offered.map((t) => t.name).sort()).toEqual([
      'book_slot',
      'end_call',
      'find_open_slots',
      'lookup_record',
      'slow_lookup',
    ]);
    expect(offered.find((t) => t.name === 'find_open_slots')).toMatchObject({
      type: 'function',
      description: 'Open appointment slots',
      parameters: { required: ['day'] },
    });

    const before = call.heardMs;
    call.say(600);
    await call.waitFor(
      () => call.heardMs >= before + 'Jordan, Monday at nine is free.'.length * MS_PER_CHAR,
      15_000,
      'the answer',
    );

    const lookup = worker.requests.find((r) => r.toolCallId === 'call_lookup_1');
    expect(lookup).toMatchObject({
      name: 'lookup_record',
      arguments: {},
      context: { callSid: call.claim.callSid, from: call.claim.from, to: call.claim.to, agentId: AGENT },
      timeoutMs: 8_000,
    });
    expect(outputs(session)).toEqual([
      {
        callId: 'call_lookup_1',
        output: { ok: true, replayed: false, result: { name: 'Jordan', phone: call.claim.from } },
      },
      {
        callId: 'call_slots_1',
        output: { ok: true, replayed: false, result: { slots: ['09:00', '10:30'] } },
      },
    ]);
    const followUps = session
      .eventsOf('response.create')
      .filter((e) => e.response?.metadata?.purpose === 'tool_followup');
    expect(followUps).toHaveLength(1);
    const completed = harness.eventsOf(call.claim.callSid, 'tool.completed').map((e) => [e.name, e.ok]);
    expect(completed).toEqual(
      expect.arrayContaining([
        ['lookup_record', true],
        ['find_open_slots', true],
      ]),
    );
    expect(harness.eventsOf(call.claim.callSid, 'tool.invoked')).toHaveLength(2);
    expect(harness.eventsOf(call.claim.callSid, 'latency').filter((l) => l.kind === 'tool')).toHaveLength(2);
  });

  it('answers a timed-out tool with a timeout error, fills the silence once, and the call goes on', async () => {
    harness.fake.setScript({
      callerTranscripts: ['Look me up please', 'Thanks anyway'],
      rules: [
        { when: { callerSaid: /look me up/i }, reply: { calls: [{ name: 'slow_lookup', arguments: {} }] } },
        {
          when: { functionOutput: { name: 'slow_lookup' } },
          reply: { say: 'Sorry, that is taking too long.' },
        },
        { when: { callerSaid: /thanks/i }, reply: { say: 'You are welcome.' } },
      ],
    });
    const { call, session } = await callAfterGreeting();
    call.say(500);
    const [timeout] = await harness.fake.waitFor(() =>
      outputs(session).length === 1 ? outputs(session) : undefined,
    );
    expect(timeout?.output).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    expect(timeout?.output.error.message).toContain('1.5 seconds');

    const filler = session
      .eventsOf('response.create')
      .filter((e) => e.response?.metadata?.purpose === 'filler');
    expect(filler).toHaveLength(1);
    expect(filler[0]?.response).toMatchObject({ tool_choice: 'none' });
    await harness.fake.waitFor(() =>
      session
        .sentOf('response.output_audio_transcript.done')
        .find((e) => e.transcript === 'Sorry, that is taking too long.'),
    );
    expect(session.sentOf('response.output_audio_transcript.done').map((e) => e.transcript)).toContain(
      FILLER_LINE,
    );
    expect(session.sentOf('error')).toEqual([]);

    await call.waitForPlaybackIdle();
    const before = call.heardMs;
    call.say(500);
    await call.waitFor(
      () => call.heardMs >= before + 'You are welcome.'.length * MS_PER_CHAR,
      15_000,
      'the next answer',
    );
  });

  it('returns bad arguments, unknown tools and worker validation errors to the model, and the call goes on', async () => {
    harness.fake.setScript({
      callerTranscripts: ['Book me in', 'Okay then'],
      rules: [
        {
          when: { callerSaid: /book me/i },
          reply: {
            calls: [
              { name: 'lookup_record', arguments: '{"broken', callId: 'call_bad_json' },
              { name: 'book_slot', arguments: { slot: 42 }, callId: 'call_bad_slot' },
              { name: 'secret_tool', arguments: {}, callId: 'call_secret' },
            ],
          },
        },
        { when: { functionOutput: { name: 'book_slot' } }, reply: { say: 'Let me try that again.' } },
        { when: { callerSaid: /okay/i }, reply: { say: 'Great.' } },
      ],
    });
    const { call, session } = await callAfterGreeting();
    call.say(500);
    const results = await harness.fake.waitFor(() =>
      outputs(session).length === 3 ? outputs(session) : undefined,
    );
    const byId = Object.fromEntries(results.map((r) => [r.callId, r.output]));
    expect(byId.call_bad_json).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
    expect(byId.call_bad_slot).toEqual({
      ok: false,
      error: { code: 'bad_arguments', message: 'slot: expected a string', retryable: true },
    });
    expect(byId.call_secret).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: false } });
    expect(
      worker.requests.some((r) => r.toolCallId === 'call_bad_json' || r.toolCallId === 'call_secret'),
    ).toBe(false);

    await call.waitFor(
      () =>
        call.heardMs >= TEST_GREETING.length * MS_PER_CHAR + 'Let me try that again.'.length * MS_PER_CHAR,
    );
    await call.waitForPlaybackIdle();
    const before = call.heardMs;
    call.say(500);
    await call.waitFor(
      () => call.heardMs >= before + 'Great.'.length * MS_PER_CHAR,
      15_000,
      'the next answer',
    );
    expect(session.sentOf('error')).toEqual([]);
  });
});
