import { afterEach, describe, expect, it } from 'vitest';
import { type MediaStreamOptions, TwilioMediaStream } from './media-stream.js';
import { FRAME_BYTES, mulawSilence } from './mulaw.js';
import { type TinyMessage, tinyServer } from './stream-hooks-server.js';

const ACCOUNT = `AC${'b'.repeat(32)}`;
const CALL = `CA${'c'.repeat(32)}`;

async function openStream(options: Partial<MediaStreamOptions> = {}) {
  const server = await tinyServer();
  const stream = await TwilioMediaStream.open({
    url: server.url,
    signedUrl: 'wss://voice.example.com/voice/stream',
    authToken: 'token',
    accountSid: ACCOUNT,
    callSid: CALL,
    customParameters: {},
    ...options,
  });
  const gateway = await server.connection;
  const close = async () => {
    await stream.stop();
    server.wss.close();
  };
  return { stream, gateway, close };
}

const media = (all: TinyMessage[]) => all.filter((m) => m.event === 'media');

describe('TwilioMediaStream, as strict and as awkward as Twilio', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('refuses what Twilio refuses (nothing played or echoed) and goes on with the stream', async () => {
    const opened = await openStream();
    close = opened.close;
    const { stream, gateway } = opened;
    const send = (message: Record<string, unknown>) => gateway.socket.send(JSON.stringify(message));
    const sid = stream.streamSid;
    send({ event: 'media', streamSid: sid, media: { payload: 'not base64!' } });
    send({ event: 'media', media: { payload: mulawSilence(20).toString('base64') } });
    send({ event: 'mark', streamSid: sid, mark: {} });
    send({ event: 'mark', streamSid: sid, mark: { name: 'x' }, extra: true });
    send({ event: 'media', streamSid: sid, media: { payload: mulawSilence(20).toString('base64') } });
    send({ event: 'mark', streamSid: sid, mark: { name: 'ok' } });
    await gateway.until((all) => all.some((m) => m.event === 'mark'));

    expect(stream.protocolErrors).toEqual([
      'media payload is not base64 (31951)',
      'media with fields event,media (31951)',
      'mark without a name (31951)',
      'mark with fields event,streamSid,mark,extra (31951)',
    ]);
    expect(gateway.messages.filter((m) => m.event === 'mark').map((m) => m.mark?.name)).toEqual(['ok']);
    expect(stream.isOpen).toBe(true);
  });

  it('bunches caller frames after a network stall: ten at once after 200 ms of nothing', async () => {
    const opened = await openStream({ stalls: { everyMs: 600, stallMs: 200, firstAtMs: 300 } });
    close = opened.close;
    const { gateway } = opened;
    await gateway.until((all) => media(all).length >= 45);

    const frames = media(gateway.messages);
    const gaps = frames.slice(1).map((frame, i) => frame.arrivedAt - (frames[i] as TinyMessage).arrivedAt);
    const stall = gaps.findIndex((gap) => gap >= 150);
    expect(stall).toBeGreaterThan(0);
    // The frames held in the stall arrive together, each with the chunk and timestamp it was captured with.
    const burst = frames.slice(stall + 1, stall + 11);
    expect(Math.max(...burst.map((f) => f.arrivedAt)) - (burst[0] as TinyMessage).arrivedAt).toBeLessThan(20);
    const chunks = frames.map((f) => Number(f.media?.chunk));
    expect(chunks).toEqual(chunks.map((_, i) => i + 1));
    expect(Buffer.from(frames[0]?.media?.payload ?? '', 'base64')).toHaveLength(FRAME_BYTES);
  });
});
