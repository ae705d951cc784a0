import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { monotonicMs } from '../clock.js';
import { readMarkerFromBase64, writeMarker } from '../frames/marker.js';
import { FramePacer } from './frame-pacer.js';
import { releaseAtMs } from './phase-schedule.js';

function media(seq: number, sentAtMs: number): string {
  const frame = Buffer.alloc(160, 0xff);
  writeMarker(frame, { stream: 3, seq, sentAtMs });
  return JSON.stringify({ event: 'media', media: { payload: frame.toString('base64') } });
}

describe('FramePacer', () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('holds media for its phase, restamps it as it leaves, keeps its order and lets the rest through', async () => {
    const arrived: Array<{ event: string; seq?: number; sentAtMs?: number; atMs: number }> = [];
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { event: string; media?: { payload: string } };
        const marker = message.media ? readMarkerFromBase64(message.media.payload) : undefined;
        arrived.push({
          event: message.event,
          seq: marker?.seq,
          sentAtMs: marker?.sentAtMs,
          atMs: monotonicMs(),
        });
      }),
    );
    const pacer = FramePacer.install();
    const sent: Array<[number, number]> = [];
    const originMs = monotonicMs();
    const plan = { originMs, phases: 2, jitterMs: 0 };
    pacer.pace({
      plan,
      random: () => 0,
      onSent: (stream, sentAtMs) => sent.push([stream, sentAtMs]),
    });
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client.once('open', resolve));

    const handedOver: number[] = [];
    for (let seq = 0; seq < 5; seq++) {
      handedOver.push(monotonicMs());
      client.send(media(seq, monotonicMs()));
      client.send('{"event":"mark"}');
      await new Promise((resolve) => setTimeout(resolve, 7));
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    client.close();
    pacer.pace(undefined);

    const frames = arrived.filter((a) => a.event === 'media');
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(arrived[0]?.event).toBe('mark');
    expect(sent.map(([stream]) => stream)).toEqual([3, 3, 3, 3, 3]);
    for (const [i, frame] of frames.entries()) {
      const sentAtMs = frame.sentAtMs as number;
      expect(sentAtMs).toBeCloseTo(sent[i]?.[1] as number, 2);
      expect(sentAtMs).toBeGreaterThanOrEqual((handedOver[i] as number) - 0.01);
      expect(frame.atMs).toBeGreaterThanOrEqual(sentAtMs);
      // The first socket gets phase 0: held until the next whole frame after the origin. Node's
      // timers count from a millisecond clock, so one may fire up to a millisecond early; a busy
      // machine makes them late by any amount, so only the hold is checked.
      const phaseInstant = releaseAtMs(handedOver[i] as number, 0, plan, () => 0);
      expect(sentAtMs).toBeGreaterThan(phaseInstant - 1.5);
    }
  });
});
