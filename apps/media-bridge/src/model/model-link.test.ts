import { EventEmitter } from 'node:events';
import { createLogger } from '@voice/shared/logging';
import { Registry } from '@voice/shared/telemetry';
import { describe, expect, it } from 'vitest';
import { createBridgeMetrics } from '../metrics.js';
import { ModelLink, type ModelLinkHandlers } from './model-link.js';
import type { ServerEvent } from './server-events.js';
import type { RealtimeClientEvent, RealtimeTransport, RealtimeTransportEvents } from './transport.js';

/** An in-memory transport: the test plays the server. */
class FakeTransport implements RealtimeTransport {
  readonly sent: RealtimeClientEvent[] = [];
  open = true;
  private readonly emitter = new EventEmitter<RealtimeTransportEvents>();

  on<K extends keyof RealtimeTransportEvents>(
    name: K,
    listener: (...args: RealtimeTransportEvents[K]) => void,
  ): void {
    this.emitter.on(name, listener as never);
  }
  send(event: RealtimeClientEvent): boolean {
    if (!this.open) return false;
    this.sent.push(event);
    return true;
  }
  appendAudio(audio: Uint8Array): boolean {
    return this.send({ type: 'input_audio_buffer.append', audio: Buffer.from(audio).toString('latin1') });
  }
  close(): void {
    this.drop(1000);
  }
  serverSends(event: ServerEvent): void {
    this.emitter.emit('event', event);
  }
  drop(code = 1006): void {
    if (!this.open) return;
    this.open = false;
    this.emitter.emit('close', code, '');
  }
  types(): string[] {
    return this.sent.map((e) => e.type);
  }
}

function setup(overrides: Partial<ModelLinkHandlers> = {}, maxSessionMs = 60_000) {
  const transports: FakeTransport[] = [];
  const received: ServerEvent[] = [];
  const replaced: string[] = [];
  const link = new ModelLink(
    {
      openTransport: () => {
        const transport = new FakeTransport();
        transports.push(transport);
        queueMicrotask(() => transport.serverSends({ type: 'session.created', session: {} }));
        return transport;
      },
      logger: createLogger({ service: 'test', level: 'silent' }),
      metrics: createBridgeMetrics(new Registry()),
      connectTimeoutMs: 1_000,
      maxSessionMs,
      attempts: 2,
    },
    {
      onEvent: (event) => received.push(event),
      onAudioDelta: () => {},
      sessionConfig: () => ({ type: 'realtime', instructions: 'Be brief.' }),
      replayItems: () => [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      onReplaced: (reason) => replaced.push(reason),
      onLost: () => replaced.push('lost'),
      isQuiet: () => true,
      ...overrides,
    },
  );
  return { link, transports, received, replaced };
}

const speechStarted: ServerEvent = {
  type: 'input_audio_buffer.speech_started',
  audio_start_ms: 0,
  item_id: 'item_1',
};

describe('ModelLink', () => {
  it('configures the session once it exists and forwards only the live session events', async () => {
    const { link, transports, received } = setup();
    await link.open();
    expect(transports[0]?.types()).toEqual(['session.update']);
    transports[0]?.serverSends(speechStarted);
    expect(received).toEqual([speechStarted]);
    link.close();
  });

  it('replaces a dropped session, replays the conversation and sends the audio held meanwhile', async () => {
    const { link, transports, replaced } = setup();
    await link.open();
    transports[0]?.drop();
    link.appendAudio(Buffer.from('AAAA'));
    await expect.poll(() => replaced).toEqual(['socket_dropped']);
    expect(link.generation).toBe(2);
    expect(transports[1]?.types()).toEqual([
      'session.update',
      'conversation.item.create',
      'input_audio_buffer.append',
    ]);
    link.close();
  });

  it('rotates at the session cap: the new session is ready before the old one closes', async () => {
    const { link, transports, replaced } = setup({}, 50);
    await link.open();
    await expect.poll(() => replaced).toEqual(['session_cap']);
    expect(transports[0]?.open).toBe(false);
    expect(transports[1]?.types()).toEqual(['session.update', 'conversation.item.create']);
    link.close();
  });

  it('gives the call up when no replacement session can be opened', async () => {
    let opened = 0;
    const transports: FakeTransport[] = [];
    const outcomes: string[] = [];
    const link = new ModelLink(
      {
        openTransport: () => {
          const transport = new FakeTransport();
          const first = opened++ === 0;
          queueMicrotask(() =>
            first ? transport.serverSends({ type: 'session.created', session: {} }) : transport.drop(),
          );
          transports.push(transport);
          return transport;
        },
        logger: createLogger({ service: 'test', level: 'silent' }),
        metrics: createBridgeMetrics(new Registry()),
        connectTimeoutMs: 1_000,
        maxSessionMs: 60_000,
        attempts: 2,
      },
      {
        onEvent: () => {},
        onAudioDelta: () => {},
        sessionConfig: () => ({ type: 'realtime' }),
        replayItems: () => [],
        onReplaced: () => outcomes.push('replaced'),
        onLost: () => outcomes.push('lost'),
        isQuiet: () => true,
      },
    );
    await link.open();
    transports[0]?.drop();
    await expect.poll(() => outcomes, { timeout: 5_000 }).toEqual(['lost']);
    expect(transports).toHaveLength(3);
    link.close();
  });
});
