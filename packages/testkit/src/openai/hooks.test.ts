import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MULAW_SILENCE } from '../audio/mulaw.js';
import type { ClientEvent } from './client-events.js';
import { FakeRealtimeServer } from './fake-realtime-server.js';
import type { SentServerEvent } from './session-host.js';
import { synthesizeSpeech } from './speech.js';

const API_KEY = 'sk-hooks-test';
const FRAME_BYTES = 160;
const MARK_BYTE = 0x42;

interface ServerEvent {
  type: string;
  delta?: string;
  [key: string]: unknown;
}

/** A bare `ws` client of the fake, collecting every server event with its arrival time. */
async function connect(fake: FakeRealtimeServer) {
  const socket = new WebSocket(`wss://127.0.0.1:${fake.port}/v1/realtime?model=gpt-realtime`, {
    headers: { Authorization: `Bearer ${API_KEY}` },
    ca: fake.caPem,
  });
  const events: Array<{ at: number; event: ServerEvent }> = [];
  socket.on('message', (data) => events.push({ at: performance.now(), event: JSON.parse(String(data)) }));
  await once(socket, 'open');
  const send = (event: Record<string, unknown>) => socket.send(JSON.stringify(event));
  send({
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: {
        input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad' } },
        output: { format: { type: 'audio/pcmu' } },
      },
    },
  });
  return { socket, events, send };
}

describe('FakeRealtimeServer benchmark hooks', () => {
  let fake: FakeRealtimeServer | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  it('lets a hook supply the audio of each delta and observe every event in and out, with times', async () => {
    const received: Array<{ type: string; at: number }> = [];
    const sent: Array<{ type: string; at: number }> = [];
    fake = await FakeRealtimeServer.start({
      apiKey: API_KEY,
      audioChunkMs: 20,
      audioPace: 20,
      speechMsPerChar: 20,
      recordAudio: false,
      outputAudio: (_session, chunk) => Buffer.alloc(chunk.length, MARK_BYTE),
      onClientEvent: (_session, event: ClientEvent, at) => received.push({ type: event.type, at }),
      onServerEvent: (_session, event: SentServerEvent['event'], at) => sent.push({ type: event.type, at }),
    });
    const client = await connect(fake);
    const before = performance.now();
    for (let i = 0; i < 5; i++) {
      client.send({
        type: 'input_audio_buffer.append',
        audio: Buffer.alloc(FRAME_BYTES, MULAW_SILENCE).toString('base64'),
      });
    }
    client.send({ type: 'response.create', response: { instructions: 'Say exactly: "Hello there"' } });
    const session = await fake.waitForSession(0);
    await session.waitForEvent('response.create');
    await fake.waitFor(() => session.responses[0]?.status === 'completed');

    const deltas = client.events.filter((e) => e.event.type === 'response.output_audio.delta');
    expect(deltas.length).toBeGreaterThan(0);
    for (const { event } of deltas) {
      expect(Buffer.from(String(event.delta), 'base64').every((byte) => byte === MARK_BYTE)).toBe(true);
    }
    expect(received.filter((e) => e.type === 'input_audio_buffer.append')).toHaveLength(5);
    expect(received.every((e) => e.at >= before)).toBe(true);
    expect(sent.filter((e) => e.type === 'response.output_audio.delta')).toHaveLength(deltas.length);
    // Audio is observed but not kept: a long run's memory stays flat.
    expect(session.eventsOf('input_audio_buffer.append')).toHaveLength(0);
    expect(session.sentOf('response.output_audio.delta')).toHaveLength(0);
    expect(session.eventsOf('response.create')).toHaveLength(1);
    client.socket.close();
  });

  it('paces audio on a drift-corrected clock, the lead sent at once', async () => {
    fake = await FakeRealtimeServer.start({
      apiKey: API_KEY,
      audioChunkMs: 20,
      audioPace: 1,
      audioLeadMs: 400,
      speechMsPerChar: 100,
    });
    const client = await connect(fake);
    client.send({ type: 'response.create', response: { instructions: 'Say exactly: "One second."' } });
    const session = await fake.waitForSession(0);
    await fake.waitFor(() => session.responses[0]?.status === 'completed', 10_000);
    const times = client.events
      .filter((e) => e.event.type === 'response.output_audio.delta')
      .map((e) => e.at);
    const first = times[0] as number;
    // "One second." is 11 characters: 1.1 s of audio, 55 chunks; the first 20 are the lead.
    expect(times).toHaveLength(55);
    expect((times[19] as number) - first).toBeLessThan(250);
    expect((times.at(-1) as number) - first).toBeGreaterThan(500);
    client.socket.close();
  });

  it('makes long lines chunk by chunk, the same waveform as all at once', () => {
    const whole = synthesizeSpeech(600);
    expect(synthesizeSpeech(100, 250).equals(whole.subarray(2_000, 2_800))).toBe(true);
    expect(synthesizeSpeech(20, 0).equals(whole.subarray(0, 160))).toBe(true);
  });
});
