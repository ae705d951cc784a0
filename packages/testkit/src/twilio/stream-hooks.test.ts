import { afterEach, describe, expect, it } from 'vitest';
import { type ReceivedMessage, TwilioMediaStream } from './media-stream.js';
import { FRAME_BYTES, mulawSilence } from './mulaw.js';
import { tinyServer } from './stream-hooks-server.js';

const ACCOUNT = `AC${'b'.repeat(32)}`;
const CALL = `CA${'c'.repeat(32)}`;

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
