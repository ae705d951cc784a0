import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MULAW_SILENCE } from '../audio/mulaw.js';
import { FakeRealtimeServer } from './fake-realtime-server.js';
import type { FakeRealtimeSession } from './fake-session.js';
import type { FakeRealtimeScript } from './script.js';

const FRAME_BYTES = 160;
const loudFrame = Buffer.from(Array.from({ length: FRAME_BYTES }, (_, i) => (i % 2 ? 0x01 : 0x81))).toString(
  'base64',
);
const silentFrame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE).toString('base64');
const PCMU = { type: 'audio/pcmu' };

function sessionWith(turnDetection: Record<string, unknown>, instructions = 'You are a test agent.') {
  return {
    type: 'realtime',
    instructions,
    audio: {
      input: {
        format: PCMU,
        transcription: { model: 'gpt-4o-mini-transcribe' },
        turn_detection: { type: 'server_vad', silence_duration_ms: 200, ...turnDetection },
      },
      output: { format: PCMU, voice: 'marin' },
    },
  };
}

/** A raw socket on the fake; waits are on the session's record of what it sent. */
class RawClient {
  constructor(
    readonly ws: WebSocket,
    readonly session: FakeRealtimeSession,
    private readonly fake: FakeRealtimeServer,
  ) {}

  send(event: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(event));
  }

  frames(frame: string, count: number): void {
    for (let i = 0; i < count; i++) this.send({ type: 'input_audio_buffer.append', audio: frame });
  }

  /** The `nth` (from 0) server event of `type`, once sent. */
  next(type: string, nth = 0): Promise<Record<string, unknown>> {
    return this.fake.waitFor(() => this.session.sentOf(type)[nth], 10_000, type);
  }

  /** Index of the first sent event of `type` (-1 if none). */
  indexOf(type: string, nth = 0): number {
    const sent = this.session.sent.map((s) => s.event);
    return sent.indexOf(this.session.sentOf(type)[nth] as (typeof sent)[number]);
  }
}

describe('the fake answers as awkwardly as the real API', () => {
  let fake: FakeRealtimeServer;
  const sockets: WebSocket[] = [];

  async function connect(script: FakeRealtimeScript, session = sessionWith({})): Promise<RawClient> {
    fake.setScript(script);
    const count = fake.sessions.length;
    const ws = new WebSocket(`wss://127.0.0.1:${fake.port}/v1/realtime?model=gpt-realtime`, {
      ca: fake.caPem,
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    sockets.push(ws);
    await once(ws, 'open');
    const client = new RawClient(ws, await fake.waitForSession(count), fake);
    client.send({ type: 'session.update', session });
    await client.next('session.updated');
    return client;
  }

  beforeAll(async () => {
    fake = await FakeRealtimeServer.start({ audioPace: 20, speechMsPerChar: 10, transcriptionDelayMs: 50 });
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.close();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('refuses to truncate what has no audio: a function call, a user item, an item before its audio', async () => {
    const client = await connect({
      callerTranscripts: ['Look me up.'],
      rules: [
        { when: { callerSaid: 'Look' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
        { when: { text: 'late' }, reply: { say: 'This line takes its time.', audioAfterMs: 5_000 } },
      ],
    });
    client.frames(loudFrame, 10);
    client.frames(silentFrame, 15);
    const call = await client.next('response.function_call_arguments.done');
    const user = await client.next('input_audio_buffer.committed');
    await client.next('response.done');
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'late' }] },
    });
    client.send({ type: 'response.create' });
    const announced = await client.next('response.output_item.added', 1);
    const silent = (announced.item as { id: string }).id;
    for (const [index, itemId] of [call.item_id, user.item_id, silent].entries()) {
      client.send({
        type: 'conversation.item.truncate',
        event_id: `evt_${index}`,
        item_id: itemId,
        content_index: 0,
        audio_end_ms: 0,
      });
      expect((await client.next('error', index)).error).toEqual({
        type: 'invalid_request_error',
        code: 'unsupported_content_type',
        message: 'Only model output audio messages can be truncated',
        param: null,
        event_id: `evt_${index}`,
      });
    }
    expect(client.session.sentOf('conversation.item.truncated')).toEqual([]);
  });

  it('answers in the persona of the instructions in force; own response instructions replace the session ones', async () => {
    const speakAs = (line: string, instructions: string) =>
      instructions.includes('en español') && line === 'Hello.' ? 'Hola.' : line;
    const client = await connect(
      { defaultReply: { say: 'Hello.' }, speakAs },
      sessionWith({}, 'Habla siempre en español.'),
    );
    client.send({ type: 'response.create' });
    await client.next('response.done');
    client.send({ type: 'response.create', response: { instructions: 'Greet the caller.' } });
    await client.next('response.done', 1);
    const [kept, replaced] = client.session.responses;
    expect([kept?.said, kept?.instructions]).toEqual(['Hola.', 'Habla siempre en español.']);
    expect([replaced?.said, replaced?.instructions]).toEqual(['Hello.', 'Greet the caller.']);
  });

  it('interrupt_response false keeps the response going on speech; create_response false leaves the answer to the client', async () => {
    const client = await connect(
      { defaultReply: { say: 'A line long enough to talk over, and then some more words.' } },
      sessionWith({ interrupt_response: false, create_response: false }),
    );
    client.send({ type: 'response.create' });
    await client.next('response.output_audio.delta');
    client.frames(loudFrame, 10);
    client.frames(silentFrame, 15);
    await client.next('input_audio_buffer.committed');
    expect((await client.next('response.done')).response).toMatchObject({ status: 'completed' });
    expect(client.session.sentOf('input_audio_buffer.speech_started')).toHaveLength(1);
    expect(client.session.responses).toHaveLength(1);
  });

  it('transcribes the caller after the response started, or reports the transcription failed', async () => {
    const client = await connect({
      callerTranscripts: ['First words.', 'Second words.'],
      transcriptionFails: (index) => index === 1,
    });
    client.frames(loudFrame, 10);
    client.frames(silentFrame, 15);
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed.transcript).toBe('First words.');
    expect(client.indexOf('conversation.item.input_audio_transcription.completed')).toBeGreaterThan(
      client.indexOf('response.created'),
    );
    await client.next('response.done');
    client.frames(loudFrame, 10);
    client.frames(silentFrame, 15);
    const failed = await client.next('conversation.item.input_audio_transcription.failed');
    expect(failed).toMatchObject({ content_index: 0, error: { code: 'audio_unintelligible' } });
    // The model heard it anyway: the second turn is answered.
    await client.next('response.done', 1);
  });

  it('ends responses failed or incomplete on script, and reports rate limits after each response', async () => {
    const client = await connect({
      rules: [
        { when: { text: 'fail' }, reply: { say: 'Never said.', end: 'failed' } },
        {
          when: { text: 'cut' },
          reply: { say: 'One two three four five six seven eight.', end: 'incomplete' },
        },
      ],
    });
    const ask = (text: string) => {
      client.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      });
      client.send({ type: 'response.create' });
    };
    ask('fail');
    const failed = (await client.next('response.done')).response as Record<string, unknown>;
    expect(failed).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { type: 'server_error' } },
      output: [],
    });
    ask('cut');
    const cut = (await client.next('response.done', 1)).response as Record<string, unknown>;
    expect(cut).toMatchObject({
      status: 'incomplete',
      status_details: { type: 'incomplete', reason: 'max_output_tokens' },
    });
    const transcript = await client.next('response.output_audio_transcript.done');
    expect(transcript.transcript).toBe('One two three four');
    const limits = await client.next('rate_limits.updated', 1);
    expect(client.indexOf('rate_limits.updated', 1)).toBeGreaterThan(client.indexOf('response.done', 1));
    expect(limits.rate_limits).toEqual([
      expect.objectContaining({ name: 'requests', remaining: expect.any(Number) }),
      expect.objectContaining({ name: 'tokens', remaining: expect.any(Number) }),
    ]);
  });

  it('streams audio in chunks of varying size, whole 20 ms frames, faster than real time', async () => {
    const client = await connect({ defaultReply: { say: 'x'.repeat(200) } });
    const asked = performance.now();
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const sizes = client.session
      .sentOf('response.output_audio.delta')
      .map((d) => Buffer.from(String(d.delta), 'base64').length);
    expect(new Set(sizes).size).toBeGreaterThan(3);
    expect(sizes.every((size) => size % FRAME_BYTES === 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200 * 10 * 8);
    expect(performance.now() - asked).toBeLessThan(2_000);
  });

  it('commits the silence and answers once idle_timeout_ms passes without speech', async () => {
    const client = await connect(
      {
        rules: [{ when: { predicate: (t) => t.kind === 'idle_timeout' }, reply: { say: 'Are you there?' } }],
      },
      sessionWith({ idle_timeout_ms: 500 }),
    );
    client.frames(silentFrame, 20);
    expect(client.session.sentOf('input_audio_buffer.timeout_triggered')).toEqual([]);
    client.frames(silentFrame, 10);
    const timeout = await client.next('input_audio_buffer.timeout_triggered');
    expect(timeout).toMatchObject({ audio_start_ms: 0, audio_end_ms: 500 });
    const committed = await client.next('input_audio_buffer.committed');
    expect(committed.item_id).toBe(timeout.item_id);
    expect((await client.next('response.output_audio_transcript.done')).transcript).toBe('Are you there?');
  });
});
