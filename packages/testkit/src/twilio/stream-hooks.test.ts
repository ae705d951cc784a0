import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { type ReceivedMessage, TwilioMediaStream } from './media-stream.js';
import { FRAME_BYTES, mulawSilence } from './mulaw.js';

const ACCOUNT = `AC${'b'.repeat(32)}`;
const CALL = `CA${'c'.repeat(32)}`;

interface Message {
  event: string;
  streamSid?: string;
  media?: { payload: string };
  mark?: { name: string };
}

/** A bare WebSocket server standing in for the gateway: it records what the stream sends. */
async function tinyServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const connection = new Promise<Gateway>((resolve) => {
    wss.once('connection', (socket) => {
      const messages: Message[] = [];
      socket.on('message', (data) => {
        messages.push(JSON.parse(String(data)));
        socket.emit('recorded');
      });
      /** Resolves once the messages received so far satisfy `predicate` (re-checked on each). */
      const until = (predicate: (all: Message[]) => boolean) =>
        new Promise<void>((done) => {
          const check = () => {
            if (!predicate(messages)) return;
            socket.off('recorded', check);
            done();
          };
          socket.on('recorded', check);
          check();
        });
      resolve({ socket, messages, until });
    });
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/voice/stream`, connection };
}

interface Gateway {
  socket: WebSocket;
  messages: Message[];
  until(predicate: (all: Message[]) => boolean): Promise<void>;
}

describe('TwilioMediaStream benchmark hooks', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('lets a hook write into each outgoing frame and observe each message as it arrives', async () => {
    const server = await tinyServer();
    const seen: Array<{ message: ReceivedMessage['message']; receivedAt: number }> = [];
    const stream = await TwilioMediaStream.open({
      url: server.url,
      signedUrl: 'wss://voice.example.com/voice/stream',
      authToken: 'token',
      accountSid: ACCOUNT,
      callSid: CALL,
      customParameters: {},
      onOutgoingFrame: (frame, chunk) => {
        frame[0] = chunk;
      },
      onMessage: (message, receivedAt) => seen.push({ message, receivedAt }),
      recordMedia: false,
    });
    close = async () => {
      await stream.stop();
      server.wss.close();
    };
    const gateway = await server.connection;
    const media = () => gateway.messages.filter((m) => m.event === 'media');
    await gateway.until((all) => all.filter((m) => m.event === 'media').length >= 3);
    const chunks = media().map((m) => Buffer.from(m.media?.payload ?? '', 'base64'));
    expect(chunks[0]?.[0]).toBe(1);
    expect(chunks[1]?.[0]).toBe(2);
    expect(chunks[0]?.length).toBe(FRAME_BYTES);

    const before = performance.now();
    const send = (message: Record<string, unknown>) =>
      gateway.socket.send(JSON.stringify({ streamSid: stream.streamSid, ...message }));
    send({ event: 'media', media: { payload: mulawSilence(40).toString('base64') } });
    send({ event: 'mark', mark: { name: 'm1' } });
    await gateway.until((all) => all.some((m) => m.event === 'mark' && m.mark?.name === 'm1'));

    expect(seen.map((s) => s.message.event)).toEqual(['media', 'mark']);
    expect(seen.every((s) => s.receivedAt >= before)).toBe(true);
    // Per-frame messages are observed but not kept; playback still echoes marks, a clear is kept.
    expect(stream.received).toHaveLength(0);
    expect(stream.heard).toHaveLength(0);
    send({ event: 'clear' });
    await stream.waitFor(() => stream.received.length > 0);
    expect(stream.received.map((r) => r.message.event)).toEqual(['clear']);
  });
});
