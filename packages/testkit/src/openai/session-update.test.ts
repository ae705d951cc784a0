import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mulawRms } from '../audio/mulaw.js';
import { FakeRealtimeServer } from './fake-realtime-server.js';
import type { FakeRealtimeSession } from './fake-session.js';
import { synthesizeSpeech } from './speech.js';

type ServerEvent = { type: string; event_id: string; [key: string]: unknown };

/** A raw socket on the fake: sends any JSON, so a test can send what the SDK's types forbid. */
class RawClient {
  readonly events: ServerEvent[] = [];
  constructor(
    readonly ws: WebSocket,
    readonly session: FakeRealtimeSession,
    private readonly fake: FakeRealtimeServer,
  ) {
    ws.on('message', (data) => this.events.push(JSON.parse(String(data)) as ServerEvent));
  }

  send(event: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(event));
  }

  next(type: string, after = 0): Promise<ServerEvent> {
    return this.fake.waitFor(
      () => this.session.sent.slice(after).find((s) => s.event.type === type)?.event,
      10_000,
      type,
    );
  }
}

/** `base` with `change` laid over it, objects merged key by key, anything else replaced. */
function merged(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(change)) {
    const inner = out[key];
    const both = [inner, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = both ? merged(inner as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

const PCMU = { type: 'audio/pcmu' };
const VALID = {
  type: 'realtime',
  instructions: 'You are a test agent.',
  audio: {
    input: {
      format: PCMU,
      turn_detection: { type: 'server_vad' },
      transcription: { model: 'gpt-4o-mini-transcribe', language: 'es' },
      noise_reduction: { type: 'near_field' },
    },
    output: { format: PCMU, voice: 'marin' },
  },
  tools: [{ type: 'function', name: 'lookup_record', parameters: { type: 'object', properties: {} } }],
  tool_choice: 'auto',
};

describe('the fake checks session.update as strictly as the GA API', () => {
  let fake: FakeRealtimeServer;
  const sockets: WebSocket[] = [];

  async function connect(): Promise<RawClient> {
    const count = fake.sessions.length;
    const ws = new WebSocket(`wss://127.0.0.1:${fake.port}/v1/realtime?model=gpt-realtime`, {
      ca: fake.caPem,
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    sockets.push(ws);
    await once(ws, 'open');
    const session = await fake.waitForSession(count);
    return new RawClient(ws, session, fake);
  }

  beforeAll(async () => {
    fake = await FakeRealtimeServer.start({ audioPace: 50, speechMsPerChar: 10 });
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('starts as audio/pcm 24 kHz both ways, with an expiry', async () => {
    const { session } = await connect();
    const created = session.sentOf('session.created')[0] as unknown as { session: Record<string, unknown> };
    expect(created.session).toMatchObject({
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24_000 } },
        output: { format: { type: 'audio/pcm', rate: 24_000 } },
      },
    });
    expect(created.session.expires_at).toBeGreaterThan(Date.now() / 1_000 + 59 * 60);
  });

  it('confirms a valid update with the whole effective session', async () => {
    const client = await connect();
    client.send({ type: 'session.update', event_id: 'evt_ok', session: VALID });
    const updated = await client.next('session.updated');
    expect(updated.session).toMatchObject({
      id: client.session.id,
      audio: { input: { format: PCMU }, output: { format: PCMU, voice: 'marin' } },
      tools: [{ name: 'lookup_record' }],
    });
  });

  const refusals: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'a voice the API does not have',
      { audio: { output: { voice: 'Puck' } } },
      {
        code: 'invalid_value',
        param: 'session.audio.output.voice',
        message: expect.stringMatching(
          /^Invalid value: 'Puck'\. Supported values are: 'alloy'.*and 'cedar'\.$/,
        ),
      },
    ],
    [
      'a language that is not ISO-639-1',
      { audio: { input: { transcription: { model: 'whisper-1', language: 'spanish' } } } },
      { code: 'invalid_value', param: 'session.audio.input.transcription.language' },
    ],
    [
      'an unknown transcription model',
      { audio: { input: { transcription: { model: 'whisper-9' } } } },
      { code: 'invalid_value', param: 'session.audio.input.transcription.model' },
    ],
    [
      'a VAD threshold above 1',
      { audio: { input: { turn_detection: { type: 'server_vad', threshold: 1.5 } } } },
      { code: 'decimal_above_max_value', param: 'session.audio.input.turn_detection.threshold' },
    ],
    [
      'a server_vad setting on semantic_vad',
      { audio: { input: { turn_detection: { type: 'semantic_vad', silence_duration_ms: 300 } } } },
      {
        code: 'unknown_parameter',
        param: 'session.audio.input.turn_detection.silence_duration_ms',
      },
    ],
    [
      'an unknown eagerness',
      { audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'eager' } } } },
      { code: 'invalid_value', param: 'session.audio.input.turn_detection.eagerness' },
    ],
    [
      'PCM at 16 kHz',
      { audio: { input: { format: { type: 'audio/pcm', rate: 16_000 } } } },
      { code: 'invalid_value', param: 'session.audio.input.format.rate' },
    ],
    [
      'a beta format name',
      { audio: { input: { format: { type: 'g711_ulaw' } } } },
      { code: 'invalid_value', param: 'session.audio.input.format.type' },
    ],
    [
      'noise reduction of an unknown kind',
      { audio: { input: { noise_reduction: { type: 'studio' } } } },
      { code: 'invalid_value', param: 'session.audio.input.noise_reduction.type' },
    ],
    [
      'a tool whose parameters are not an object schema',
      {
        tools: [{ type: 'function', name: 'pick', parameters: { anyOf: [{ type: 'string' }] } }],
      },
      {
        code: 'invalid_function_parameters',
        param: 'session.tools[0].parameters',
        message: `Invalid schema for function 'pick': schema must be a JSON Schema of 'type: "object"', got 'type: "None"'.`,
      },
    ],
    [
      'a tool name with a space',
      { tools: [{ type: 'function', name: 'look up', parameters: { type: 'object' } }] },
      { param: 'session.tools[0].name' },
    ],
    [
      'an unknown key',
      { audio: { output: { voice: 'marin', pitch: 2 } } },
      { code: 'unknown_parameter', param: 'session.audio.output.pitch' },
    ],
    [
      'the beta temperature',
      { temperature: 0.8 },
      { code: 'unknown_parameter', param: 'session.temperature' },
    ],
    ['the beta top-level voice', { voice: 'alloy' }, { code: 'unknown_parameter', param: 'session.voice' }],
  ];

  it.each(refusals)('refuses %s with the API error shape, and applies nothing', async (_, bad, error) => {
    const client = await connect();
    const before = structuredClone(client.session.config);
    // Valid changes ride along (instructions, voice, formats): the whole update is refused.
    const session = merged(VALID, bad);
    client.send({ type: 'session.update', event_id: 'evt_client_1', session });
    const refused = await client.next('error');
    expect(refused).toMatchObject({
      type: 'error',
      event_id: expect.stringMatching(/^event_/),
      error: { type: 'invalid_request_error', event_id: 'evt_client_1', ...error },
    });
    expect(client.session.sentOf('session.updated')).toEqual([]);
    expect(client.session.config).toEqual(before);
  });

  it('requires session.type', async () => {
    const client = await connect();
    client.send({ type: 'session.update', session: { instructions: 'x' } });
    expect((await client.next('error')).error).toMatchObject({
      code: 'missing_required_parameter',
      param: 'session.type',
    });
  });

  it('sends agent audio in the session format: PCM 24 kHz to a client that never switched', async () => {
    fake.setScript({ defaultReply: { say: 'Hello there, how can I help?' } });
    const client = await connect();
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const deltas = client.session.sent.filter((s) => s.event.type === 'response.output_audio.delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(new Set(deltas.map((d) => d.format))).toEqual(new Set(['audio/pcm']));
    // 16-bit PCM played as mu-law: six times the bytes, and noise far louder than the voice.
    const bytes = Buffer.concat(deltas.map((d) => Buffer.from(String(d.event.delta), 'base64')));
    const voiceMs = 'Hello there, how can I help?'.length * 10;
    expect(bytes.length).toBe(voiceMs * 8 * 6);
    expect(mulawRms(bytes)).toBeGreaterThan(2 * mulawRms(synthesizeSpeech(voiceMs)));

    const after = client.session.sent.length;
    client.send({ type: 'session.update', session: VALID });
    await client.next('session.updated', after);
    client.send({ type: 'response.create' });
    await client.next('response.done', after);
    const later = client.session.sent
      .slice(after)
      .filter((s) => s.event.type === 'response.output_audio.delta');
    expect(new Set(later.map((d) => d.format))).toEqual(new Set(['audio/pcmu']));
  });

  it('reads caller audio in the session format and records it on each append', async () => {
    const client = await connect();
    const frame = Buffer.alloc(160, 0x01).toString('base64');
    client.send({ type: 'input_audio_buffer.append', audio: frame });
    client.send({ type: 'session.update', session: VALID });
    client.send({ type: 'input_audio_buffer.append', audio: frame });
    await fake.waitFor(() => client.session.eventsOf('input_audio_buffer.append').length === 2);
    const appends = client.session.received.filter((r) => r.event.type === 'input_audio_buffer.append');
    expect(appends.map((a) => a.format)).toEqual(['audio/pcm', 'audio/pcmu']);
  });
});

describe('a deployment that offers fewer voices than the SDK lists', () => {
  it('refuses a listed voice it does not offer, naming the ones it does', async () => {
    const fake = await FakeRealtimeServer.start({ voices: ['alloy', 'echo', 'shimmer'] });
    try {
      const ws = new WebSocket(`wss://127.0.0.1:${fake.port}/v1/realtime?model=gpt-realtime`, {
        ca: fake.caPem,
        headers: { authorization: `Bearer ${fake.apiKey}` },
      });
      await once(ws, 'open');
      const session = await fake.waitForSession(0);
      ws.send(JSON.stringify({ type: 'session.update', event_id: 'evt_v', session: VALID }));
      const refused = await fake.waitFor(() => session.sentOf('error')[0]);
      expect(refused.error).toEqual({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: "Invalid value: 'marin'. Supported values are: 'alloy', 'echo', and 'shimmer'.",
        param: 'session.audio.output.voice',
        event_id: 'evt_v',
      });
      ws.terminate();
    } finally {
      await fake.stop();
    }
  });
});

describe('the fake ends a session at its maximum duration', () => {
  it('sends session_expired, then closes with 1001', async () => {
    const fake = await FakeRealtimeServer.start({ maxSessionMs: 2_000 });
    try {
      const ws = new WebSocket(`wss://127.0.0.1:${fake.port}/v1/realtime?model=gpt-realtime`, {
        ca: fake.caPem,
        headers: { authorization: `Bearer ${fake.apiKey}` },
      });
      const messages: ServerEvent[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerEvent));
      const [code, reason] = await new Promise<[number, string]>((resolve) =>
        ws.on('close', (c, r) => resolve([c, String(r)])),
      );
      expect(code).toBe(1001);
      expect(reason).toBe('Your session hit the maximum duration of 2 seconds.');
      expect(messages.at(-1)).toMatchObject({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          code: 'session_expired',
          message: 'Your session hit the maximum duration of 2 seconds.',
          param: null,
          event_id: null,
        },
      });
      expect(fake.sessions[0]?.closed?.code).toBe(1001);
    } finally {
      await fake.stop();
    }
  });
});
