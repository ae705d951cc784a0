import { once } from 'node:events';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MULAW_SILENCE } from '../audio/mulaw.js';
import { FakeRealtimeServer } from './fake-realtime-server.js';

const FRAME_BYTES = 160;
const loudFrame = () =>
  Buffer.from(Array.from({ length: FRAME_BYTES }, (_, i) => (i % 2 ? 0x01 : 0x81))).toString('base64');
const silentFrame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE).toString('base64');

const SESSION = {
  type: 'realtime' as const,
  output_modalities: ['audio' as const],
  instructions: 'You are a test agent.',
  audio: {
    input: {
      format: { type: 'audio/pcmu' as const },
      transcription: { model: 'gpt-4o-mini-transcribe' },
      turn_detection: { type: 'server_vad' as const, silence_duration_ms: 200 },
    },
    output: { format: { type: 'audio/pcmu' as const }, voice: 'marin' },
  },
  tools: [
    {
      type: 'function' as const,
      name: 'lookup_record',
      description: 'Find the caller',
      parameters: { type: 'object', properties: {} },
    },
  ],
};

/** A real SDK client on the fake, with every server event collected. */
class Client {
  readonly events: RealtimeServerEvent[] = [];
  private readonly listeners = new Set<() => void>();
  constructor(readonly rt: OpenAIRealtimeWS) {
    rt.on('event', (event) => {
      this.events.push(event);
      for (const listener of [...this.listeners]) listener();
    });
    rt.on('error', () => {});
  }

  next<T extends RealtimeServerEvent['type']>(
    type: T,
    predicate: (e: Extract<RealtimeServerEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<RealtimeServerEvent, { type: T }>> {
    const find = () =>
      this.events.find(
        (e): e is Extract<RealtimeServerEvent, { type: T }> => e.type === type && predicate(e as never),
      );
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (!found) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  of<T extends RealtimeServerEvent['type']>(type: T): Array<Extract<RealtimeServerEvent, { type: T }>> {
    return this.events.filter((e) => e.type === type) as never;
  }

  sendFrames(frame: string, count: number): void {
    for (let i = 0; i < count; i++) this.rt.send({ type: 'input_audio_buffer.append', audio: frame });
  }
}

describe('FakeRealtimeServer', () => {
  let fake: FakeRealtimeServer;
  const clients: OpenAIRealtimeWS[] = [];

  async function connect(apiKey = fake.apiKey): Promise<Client> {
    const rt = new OpenAIRealtimeWS(
      { model: 'gpt-realtime', options: { ca: fake.caPem } },
      new OpenAI({ apiKey, baseURL: fake.baseURL }),
    );
    clients.push(rt);
    const client = new Client(rt);
    await client.next('session.created');
    return client;
  }

  beforeAll(async () => {
    fake = await FakeRealtimeServer.start({ audioPace: 20, speechMsPerChar: 20 });
  });
  afterEach(() => {
    for (const rt of clients.splice(0)) rt.close();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('serves the GA protocol over TLS to the SDK and keeps the session configuration', async () => {
    const client = await connect();
    const session = fake.sessions.at(-1)!;
    expect(fake.upgrades.at(-1)).toMatchObject({
      path: '/v1/realtime',
      model: 'gpt-realtime',
      openaiBeta: undefined,
      outcome: 'accepted',
    });

    client.rt.send({ type: 'session.update', session: SESSION });
    const updated = await client.next('session.updated');
    expect(updated.session).toMatchObject({ type: 'realtime', instructions: 'You are a test agent.' });
    expect(session.config.audio?.output).toMatchObject({ voice: 'marin', format: { type: 'audio/pcmu' } });
    expect(session.config.audio?.input?.format).toEqual({ type: 'audio/pcmu' });
    expect(session.config.tools?.map((t) => t.name)).toEqual(['lookup_record']);
    expect(session.eventsOf('session.update')).toHaveLength(1);
  });

  it('refuses a wrong API key and beta session fields', async () => {
    const rt = new OpenAIRealtimeWS(
      { model: 'gpt-realtime', options: { ca: fake.caPem } },
      new OpenAI({ apiKey: 'sk-wrong', baseURL: fake.baseURL }),
    );
    rt.on('error', () => {});
    clients.push(rt);
    const code = await new Promise<number>((resolve) => rt.socket.on('close', resolve));
    expect(code).toBe(1006);
    expect(fake.upgrades.at(-1)?.outcome).toBe('unauthorized');

    const client = await connect();
    client.rt.send({ type: 'session.update', session: { modalities: ['audio'] } as never });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'unknown_parameter', param: 'session.modalities' });
  });

  it('detects speech from loud frames, not from silence, and answers by script', async () => {
    fake.setScript({
      callerTranscripts: ['I would like to book a cleaning'],
      rules: [{ when: { callerSaid: /book/ }, reply: { say: 'Sure, let me check the calendar.' } }],
    });
    const client = await connect();
    client.rt.send({ type: 'session.update', session: SESSION });
    await client.next('session.updated');

    client.sendFrames(silentFrame, 50);
    await fake.waitFor(() => fake.sessions.at(-1)!.eventsOf('input_audio_buffer.append').length === 50);
    expect(client.of('input_audio_buffer.speech_started')).toHaveLength(0);

    client.sendFrames(loudFrame(), 25);
    client.sendFrames(silentFrame, 15);
    const started = await client.next('input_audio_buffer.speech_started');
    expect(started.audio_start_ms).toBe(1_000 - 300);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped.audio_end_ms).toBe(1_500);
    const transcript = await client.next('conversation.item.input_audio_transcription.completed');
    expect(transcript).toMatchObject({
      item_id: started.item_id,
      transcript: 'I would like to book a cleaning',
    });

    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(done.response.usage?.output_token_details?.audio_tokens).toBeGreaterThan(0);
    const said = await client.next('response.output_audio_transcript.done');
    expect(said.transcript).toBe('Sure, let me check the calendar.');
    const audioMs = client
      .of('response.output_audio.delta')
      .reduce((ms, d) => ms + Buffer.from(d.delta, 'base64').length / 8, 0);
    expect(audioMs).toBe('Sure, let me check the calendar.'.length * 20);
  });

  it('makes scripted function calls and answers their outputs', async () => {
    fake.setScript({
      rules: [
        {
          when: { text: '[keypad] 1' },
          reply: {
            calls: [
              { name: 'lookup_record', arguments: {} },
              { name: 'find_open_slots', arguments: { day: 'monday' } },
            ],
          },
        },
        { when: { functionOutput: { name: 'find_open_slots' } }, reply: { say: 'Monday at nine is free.' } },
      ],
    });
    const client = await connect();
    client.rt.send({ type: 'session.update', session: SESSION });
    client.rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[keypad] 1' }] },
    });
    client.rt.send({ type: 'response.create' });
    await client.next('response.done');
    const calls = client.of('response.function_call_arguments.done');
    expect(calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ['lookup_record', {}],
      ['find_open_slots', { day: 'monday' }],
    ]);

    client.rt.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_unknown', output: '{}' },
    });
    expect((await client.next('error')).error.message).toContain('call_unknown');
    for (const call of calls) {
      client.rt.send({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ ok: true }) },
      });
    }
    client.rt.send({ type: 'response.create' });
    const said = await client.next('response.output_audio_transcript.done', (e) =>
      e.transcript.includes('Monday'),
    );
    expect(said.transcript).toBe('Monday at nine is free.');
  });

  it('speaks a quoted line of response instructions, truncates within the produced audio only', async () => {
    const client = await connect();
    client.rt.send({ type: 'session.update', session: SESSION });
    client.rt.send({
      type: 'response.create',
      response: { instructions: 'Greet the caller with exactly: "Hello and welcome to the clinic."' },
    });
    const done = await client.next('response.output_audio_transcript.done');
    expect(done.transcript).toBe('Hello and welcome to the clinic.');
    await client.next('response.done');
    const producedMs = 'Hello and welcome to the clinic.'.length * 20;

    client.rt.send({
      type: 'conversation.item.truncate',
      item_id: done.item_id,
      content_index: 0,
      audio_end_ms: producedMs + 100,
    });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param: 'audio_end_ms' });
    expect(error.error.message).toContain('already shorter');

    client.rt.send({
      type: 'conversation.item.truncate',
      item_id: done.item_id,
      content_index: 0,
      audio_end_ms: 300,
    });
    const truncated = await client.next('conversation.item.truncated');
    expect(truncated.audio_end_ms).toBe(300);
    const item = fake.sessions.at(-1)!.conversation.get(done.item_id)!;
    expect(item.text).toBe('Hello and');
  });

  it('cancels only a response in flight, and interrupts one on speech', async () => {
    const slow = await FakeRealtimeServer.start({ audioPace: 1 });
    try {
      const rt = new OpenAIRealtimeWS(
        { model: 'gpt-realtime', options: { ca: slow.caPem } },
        new OpenAI({ apiKey: slow.apiKey, baseURL: slow.baseURL }),
      );
      clients.push(rt);
      const client = new Client(rt);
      await client.next('session.created');
      rt.send({ type: 'session.update', session: SESSION });
      rt.send({ type: 'response.cancel' });
      expect((await client.next('error')).error.code).toBe('response_cancel_not_active');

      rt.send({
        type: 'response.create',
        response: { instructions: 'Say "This is a long sentence that takes a few seconds to say."' },
      });
      await client.next('response.output_audio.delta');
      rt.send({ type: 'response.cancel' });
      const cancelled = await client.next('response.done');
      expect(cancelled.response.status).toBe('cancelled');
      expect(cancelled.response.status_details).toMatchObject({ reason: 'client_cancelled' });

      rt.send({
        type: 'response.create',
        response: { instructions: 'Say "Another long sentence that the caller will interrupt."' },
      });
      await client.next('response.output_audio.delta', (d) => d.response_id !== cancelled.response.id);
      client.sendFrames(loudFrame(), 5);
      const interrupted = await client.next('response.done', (d) => d.response.id !== cancelled.response.id);
      expect(interrupted.response.status_details).toMatchObject({ reason: 'turn_detected' });
    } finally {
      await slow.stop();
    }
  });

  it('drops the socket, delays and injects errors on command', async () => {
    const client = await connect();
    const session = fake.sessions.at(-1)!;
    session.sendMalformed();
    session.sendError({ code: 'boom', message: 'injected' });
    expect((await client.next('error', (e) => e.error.code === 'boom')).error.message).toBe('injected');

    fake.delayNextResponse(300);
    const asked = performance.now();
    client.rt.send({ type: 'response.create', response: { instructions: 'Say "late."' } });
    await client.next('response.output_audio.delta', (d) => typeof d.delta === 'string');
    expect(performance.now() - asked).toBeGreaterThanOrEqual(290);

    const closed = once(client.rt.socket, 'close');
    session.dropSocket();
    const [code] = (await closed) as [number];
    expect(code).toBe(1006);
    await fake.waitFor(() => session.closed);
  });

  it('refuses the next response requests with a rate-limit error naming the request', async () => {
    const client = await connect();
    fake.rejectResponses(1);
    client.rt.send({
      type: 'response.create',
      event_id: 'evt_first',
      response: { instructions: 'Say "one."' },
    });
    const refused = await client.next('error', (e) => e.error.event_id === 'evt_first');
    expect(refused.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(client.of('response.created')).toEqual([]);

    client.rt.send({
      type: 'response.create',
      event_id: 'evt_second',
      response: { instructions: 'Say "two."' },
    });
    await client.next('response.done');
  });
});
