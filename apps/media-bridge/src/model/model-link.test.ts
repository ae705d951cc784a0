import { EventEmitter } from 'node:events';
import { createLogger } from '@voice/shared/logging';
import { Registry } from '@voice/shared/telemetry';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { describe, expect, it } from 'vitest';
import { createBridgeMetrics } from '../metrics.js';
import { ModelLink, type ModelLinkHandlers } from './model-link.js';
import type { ServerEvent } from './server-events.js';
import { SessionConfigRejected } from './session-handshake.js';
import type { RealtimeClientEvent, RealtimeTransport, RealtimeTransportEvents } from './transport.js';

type SessionUpdate = Extract<RealtimeClientEvent, { type: 'session.update' }>;
const PCMU = { type: 'audio/pcmu' };

/** The API's confirmation of an update that switched the session to phone audio. */
const confirmPhoneAudio = (): ServerEvent => ({
  type: 'session.updated',
  session: { audio: { input: { format: PCMU }, output: { format: PCMU } } },
});

/** An in-memory transport: the test plays the server (and answers `session.update` by `answer`). */
class FakeTransport implements RealtimeTransport {
  readonly sent: RealtimeClientEvent[] = [];
  open = true;
  answer: ((update: SessionUpdate) => ServerEvent | undefined) | undefined = confirmPhoneAudio;
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
    const answer = event.type === 'session.update' ? this.answer?.(event) : undefined;
    if (answer) queueMicrotask(() => this.serverSends(answer));
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

function refusal(update: SessionUpdate, param = 'session.audio.output.voice'): ServerEvent {
  return {
    type: 'error',
    error: {
      type: 'invalid_request_error',
      code: 'invalid_value',
      message: "Invalid value: 'Puck'.",
      param,
      event_id: update.event_id ?? null,
    },
  };
}

function setup(
  overrides: Partial<ModelLinkHandlers> = {},
  maxSessionMs = 60_000,
  answer?: FakeTransport['answer'],
) {
  const transports: FakeTransport[] = [];
  const metrics = createBridgeMetrics(new Registry());
  const received: ServerEvent[] = [];
  const replaced: string[] = [];
  const link = new ModelLink(
    {
      openTransport: () => {
        const transport = new FakeTransport();
        if (answer) transport.answer = answer;
        transports.push(transport);
        queueMicrotask(() => transport.serverSends({ type: 'session.created', session: {} }));
        return transport;
      },
      logger: createLogger({ service: 'test', level: 'silent' }),
      metrics,
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
  return { link, transports, received, replaced, metrics };
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

  it('is ready only once session.updated confirms mu-law both ways; caller audio waits for it', async () => {
    let confirm: (() => void) | undefined;
    // The test answers the update itself, later.
    const { link, transports } = setup({}, 60_000, () => {
      confirm = () => transports[0]?.serverSends(confirmPhoneAudio());
      return undefined;
    });
    let opened = false;
    const opening = link.open().then(() => {
      opened = true;
    });
    await expect.poll(() => transports[0]?.types()).toEqual(['session.update']);
    link.appendAudio(Buffer.from('AAAA'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toBe(false);
    expect(link.ready).toBe(false);
    expect(transports[0]?.types()).toEqual(['session.update']);
    confirm?.();
    await opening;
    expect(link.ready).toBe(true);
    expect(transports[0]?.types()).toEqual(['session.update', 'input_audio_buffer.append']);
    link.close();
  });

  it('fails loudly and at once when the API refuses the configuration (never retried)', async () => {
    const { link, transports, metrics } = setup({}, 60_000, (update) => refusal(update));
    const error = await link.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SessionConfigRejected);
    expect((error as SessionConfigRejected).refusal).toEqual({
      code: 'invalid_value',
      message: "Invalid value: 'Puck'.",
      param: 'session.audio.output.voice',
    });
    expect(transports).toHaveLength(1);
    expect(transports[0]?.open).toBe(false);
    expect(link.ready).toBe(false);
    const counted = await metrics.modelErrors.get();
    expect(counted.values).toContainEqual(
      expect.objectContaining({ labels: { kind: 'session_config_rejected' }, value: 1 }),
    );
  });

  it('refuses a session the API confirms in another format (it would play as static)', async () => {
    const { link } = setup({}, 60_000, () => ({
      type: 'session.updated',
      session: {
        audio: { input: { format: PCMU }, output: { format: { type: 'audio/pcm', rate: 24_000 } } },
      },
    }));
    await expect(link.open()).rejects.toBeInstanceOf(SessionConfigRejected);
  });

  it('keeps a healthy call on its confirmed configuration when a later update is refused', async () => {
    let config: RealtimeSessionCreateRequest = { type: 'realtime', instructions: 'First.' };
    const { link, transports, received, metrics } = setup({ sessionConfig: () => config });
    await link.open();
    transports[0]!.answer = (update) => refusal(update, 'session.tools[0].parameters');
    config = { type: 'realtime', instructions: 'Second.' };
    expect(link.update(config)).toBe(true);
    await expect.poll(async () => (await metrics.modelErrors.get()).values.length).toBe(1);
    expect(received).toEqual([]);
    expect(link.ready).toBe(true);

    transports[0]?.drop();
    await expect
      .poll(() => transports[1]?.sent[0])
      .toMatchObject({
        type: 'session.update',
        session: { instructions: 'First.' },
      });
    link.close();
  });
});
