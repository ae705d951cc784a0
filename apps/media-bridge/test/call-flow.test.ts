import { migrationsFolder } from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, startBridgeHarness, TEST_GREETING } from './support/bridge-harness.js';
import { FakeGatewayCall } from './support/fake-gateway.js';
import type { TakenCommand } from './support/ingress.js';

const infra = useTestInfra({ migrationsFolder });
const AGENT = 'flow-agent';
const MS_PER_CHAR = 40;
const CHUNK_MS = 100;
/** Twilio's media frame. */
const FRAME_MS = 20;
const LONG_GREETING =
  'Hello and thank you for calling the test clinic, where every appointment is on time and every question gets an answer, so please tell me what you need today.';

let harness: BridgeHarness;
const calls: FakeGatewayCall[] = [];

async function placeCall(agentId = AGENT): Promise<FakeGatewayCall> {
  const call = await FakeGatewayCall.claim(harness.nc, { agentId });
  calls.push(call);
  return call;
}

/** A call where the caller says goodbye and the agent ends the call (end_call) after a goodbye. */
async function callerSaysBye(prepare?: (call: FakeGatewayCall) => void): Promise<FakeGatewayCall> {
  harness.fake.setScript({
    callerTranscripts: ['That is all, bye'],
    rules: [
      {
        when: { callerSaid: /bye/ },
        reply: { calls: [{ name: 'end_call', arguments: { reason: 'caller done' } }] },
      },
      {
        when: { functionOutput: { name: 'end_call' } },
        reply: { say: 'Thank you for calling, have a lovely day. Goodbye!' },
      },
    ],
  });
  const call = await placeCall();
  prepare?.(call);
  call.start();
  await call.waitFor(() => call.heardMs >= TEST_GREETING.length * MS_PER_CHAR);
  call.say(500);
  return call;
}

/** The call-control commands the ingress took for this call. */
function commandsFor(call: FakeGatewayCall): TakenCommand[] {
  return harness.ingress.commandsFor(call.claim.callSid);
}

beforeAll(async () => {
  harness = await startBridgeHarness({
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    agents: [
      { id: AGENT, allowedTools: ['end_call'] },
      { id: 'long-greeting-agent', greeting: LONG_GREETING },
    ],
    fake: { speechMsPerChar: MS_PER_CHAR, audioChunkMs: CHUNK_MS },
    settings: { maxSessions: 3, streamStartTimeoutMs: 4_000 },
  });
});

afterEach(() => {
  for (const call of calls.splice(0)) call.stop('call_ended');
});

afterAll(async () => {
  await harness?.stop();
});

describe('a call through the bridge', () => {
  it('greets first with the profile greeting, configured from the profile, and the caller hears all of it', async () => {
    const call = await placeCall();
    expect(call.reply).toEqual({
      accepted: true,
      bridgeId: 'media-bridge-test',
      claimId: call.claim.claimId,
    });
    call.start();
    const greetingMs = TEST_GREETING.length * MS_PER_CHAR;
    await call.waitFor(() => call.heardMs >= greetingMs, 15_000, 'the whole greeting');

    const session = harness.fake.sessions.at(-1)!;
    expect(session.config).toMatchObject({
      instructions: 'You are a test receptionist. Be brief.',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcmu' },
          noise_reduction: { type: 'near_field' },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
          turn_detection: { type: 'server_vad', silence_duration_ms: 300, interrupt_response: true },
        },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
    });
    expect(session.config.tools?.map((t) => t.name)).toEqual(['end_call']);
    const [greeting] = session.eventsOf('response.create');
    expect(greeting?.response?.instructions).toContain(`"${TEST_GREETING}"`);

    const turn = await call.waitFor(() =>
      harness.eventsOf(call.claim.callSid, 'transcript.turn').find((t) => t.role === 'agent'),
    );
    expect(turn).toMatchObject({ text: TEST_GREETING, interrupted: false, heardMs: greetingMs });
    expect(call.receivedAudioMs).toBe(greetingMs);
    const setup = harness.eventsOf(call.claim.callSid, 'latency').find((l) => l.kind === 'setup');
    expect(setup?.valueMs).toBeGreaterThan(0);
    expect(setup?.valueMs).toBeLessThan(5_000);
  });

  it('answers a caller turn, and the caller hears the reply', async () => {
    harness.fake.setScript({
      callerTranscripts: ['What are your opening hours?'],
      rules: [
        {
          when: { callerSaid: /opening hours/ },
          reply: { say: 'We are open from nine to five on weekdays.' },
        },
      ],
    });
    const call = await placeCall();
    call.start();
    await call.waitFor(() => call.heardMs >= TEST_GREETING.length * MS_PER_CHAR);
    await call.waitForPlaybackIdle();
    const before = call.heardMs;
    call.say(600);

    const replyMs = 'We are open from nine to five on weekdays.'.length * MS_PER_CHAR;
    await call.waitFor(() => call.heardMs >= before + replyMs, 15_000, 'the reply');
    const turns = await call.waitFor(() => {
      const all = harness.eventsOf(call.claim.callSid, 'transcript.turn');
      return all.length === 3 ? all : undefined;
    });
    expect(turns.map((t) => [t.role, t.text])).toEqual([
      ['agent', TEST_GREETING],
      ['caller', 'What are your opening hours?'],
      ['agent', 'We are open from nine to five on weekdays.'],
    ]);
    const turnLatency = harness.eventsOf(call.claim.callSid, 'latency').find((l) => l.kind === 'turn');
    expect(turnLatency?.valueMs).toBeLessThan(2_000);
    expect(harness.eventsOf(call.claim.callSid, 'usage').length).toBeGreaterThanOrEqual(2);
  });

  it('on barge-in clears the gateway, truncates at what the caller heard and records only that', async () => {
    const call = await placeCall('long-greeting-agent');
    call.start();
    await call.waitFor(() => call.heardMs >= 1_500, 15_000, '1.5 s of greeting');
    call.say(800);
    const clear = await call.waitFor(() => call.controls('clear')[0], 10_000, 'a clear');
    const heardAtClear = call.heardMs;
    const session = harness.fake.sessions.at(-1)!;
    const truncate = await session.waitForEvent('conversation.item.truncate');

    // The bridge truncates at what played by the clock since the last acknowledged mark: within a
    // chunk of what was heard when the clear came (a mark interval is 250 ms). The fake gateway
    // counts a 20 ms frame as heard when it starts playing, so the clock may be up to a frame ahead.
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(heardAtClear - CHUNK_MS);
    expect(truncate.audio_end_ms).toBeLessThanOrEqual(heardAtClear + FRAME_MS);
    await harness.fake.waitFor(() => session.sentOf('conversation.item.truncated')[0]);
    expect(session.sentOf('error')).toEqual([]);
    expect(session.eventsOf('response.cancel')).toEqual([]);

    const agentTurn = await call.waitFor(() =>
      harness.eventsOf(call.claim.callSid, 'transcript.turn').find((t) => t.role === 'agent'),
    );
    expect(agentTurn).toMatchObject({ interrupted: true, heardMs: truncate.audio_end_ms });
    expect(LONG_GREETING.startsWith(agentTurn.text)).toBe(true);
    expect(agentTurn.text.split(' ').length).toBeLessThan(LONG_GREETING.split(' ').length / 2);
    const bargeIn = harness.eventsOf(call.claim.callSid, 'latency').find((l) => l.kind === 'barge_in');
    expect(bargeIn?.valueMs).toBeLessThan(250);
    const audioAfterClear = call.received.filter((r) => r.kind === 'audio' && r.at > clear.at);
    expect(audioAfterClear).toEqual([]);
  });

  it('passes keypad digits to the model as one message and the agent answers', async () => {
    harness.fake.setScript({
      rules: [{ when: { text: '[keypad] 42' }, reply: { say: 'You pressed four two.' } }],
    });
    const call = await placeCall();
    call.start();
    await call.waitFor(() => call.heardMs >= TEST_GREETING.length * MS_PER_CHAR);
    const before = call.heardMs;
    call.dtmf('4');
    call.dtmf('2');
    const session = harness.fake.sessions.at(-1)!;
    const item = await session.waitForEvent('conversation.item.create', (e) => e.item.type === 'message');
    expect(item.item).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: '[keypad] 42' }] });
    await call.waitFor(() => call.heardMs >= before + 'You pressed four two.'.length * MS_PER_CHAR);
    // The gateway records each digit as it arrives; the bridge only passes them on.
    expect(harness.eventsOf(call.claim.callSid, 'dtmf')).toEqual([]);
  });

  it('hangs up after end_call only once the goodbye has been played', async () => {
    const call = await callerSaysBye();
    const hangup = await call.waitFor(() => commandsFor(call)[0], 20_000, 'a hang-up');
    expect(hangup.command).toEqual({ type: 'hang_up', reason: 'agent_ended' });
    const goodbyeMs = 'Thank you for calling, have a lovely day. Goodbye!'.length * MS_PER_CHAR;
    const lastAudio = call.received.filter((r) => r.kind === 'audio').at(-1)!;
    expect(call.receivedAudioMs).toBe(TEST_GREETING.length * MS_PER_CHAR + goodbyeMs);
    // Everything received had been played when the hang-up came, and the goodbye takes real time to play.
    expect(call.heardMs).toBe(call.receivedAudioMs);
    expect(hangup.at - lastAudio.at).toBeGreaterThan(goodbyeMs / 2);
    expect(call.controls('release')).toEqual([]);
    const output = harness.fake.sessions
      .at(-1)!
      .eventsOf('conversation.item.create')
      .find((e) => e.item.type === 'function_call_output');
    expect(JSON.parse(String(output?.item.output))).toMatchObject({ ok: true });
  });

  it('asks the ingress again while it cannot take the hang-up', async () => {
    harness.ingress.failNext(2);
    const call = await callerSaysBye();
    const hangup = await call.waitFor(() => commandsFor(call)[0], 20_000, 'a hang-up');
    expect(hangup.command).toEqual({ type: 'hang_up', reason: 'agent_ended' });
    expect(harness.ingress.refusalsFor(call.claim.callSid).map((e) => e.code)).toEqual([
      'unavailable',
      'unavailable',
    ]);
  });

  it('does not ask again once the call is gone, and ends on its stop', async () => {
    await expect.poll(() => harness.bridge.activeSessions, { timeout: 5_000 }).toBe(0);
    const call = await callerSaysBye((placed) => harness.ingress.endCall(placed.claim.callSid));
    const refused = await call.waitFor(
      () => harness.ingress.refusalsFor(call.claim.callSid)[0],
      20_000,
      'a refused hang-up',
    );
    expect(refused.code).toBe('call_gone');
    expect(harness.bridge.activeSessions).toBe(1);
    call.stop('call_ended');
    await expect.poll(() => harness.bridge.activeSessions, { timeout: 5_000 }).toBe(0);
    expect(harness.ingress.refusalsFor(call.claim.callSid)).toHaveLength(1);
    expect(commandsFor(call)).toEqual([]);
  });

  it('declines claims when full or for an unknown agent, and frees a slot when the stream never starts', async () => {
    const unknown = await FakeGatewayCall.claim(harness.nc, { agentId: 'no-such-agent' });
    unknown.close();
    expect(unknown.reply).toMatchObject({ accepted: false, reason: 'unknown_agent' });
    const held = [await placeCall(), await placeCall(), await placeCall()];
    expect(held.every((c) => c.reply?.accepted)).toBe(true);
    const full = await placeCall();
    expect(full.reply).toMatchObject({ accepted: false, reason: 'at_capacity' });

    held[0]?.stop('caller_hangup');
    await expect.poll(() => harness.bridge.activeSessions, { timeout: 5_000 }).toBe(2);
    const next = await placeCall();
    expect(next.reply?.accepted).toBe(true);

    // None of these calls sends `start`: after CLAIM_START_TIMEOUT_MS their slots are freed.
    await expect.poll(() => harness.bridge.activeSessions, { timeout: 15_000 }).toBe(0);
    const outcomes = (await harness.metrics.claims.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['at_capacity', 1],
        ['unknown_agent', 1],
      ]),
    );
    const ended = (await harness.metrics.sessionsEnded.get()).values.map((v) => [v.labels.reason, v.value]);
    expect(ended).toEqual(
      expect.arrayContaining([
        ['stop_caller_hangup', 1],
        ['stream_start_timeout', 3],
      ]),
    );
  });
});
