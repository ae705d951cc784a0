import type { TwilioInboundMessage } from '@voice/shared/contracts';
import { createLogger } from '@voice/shared/logging';
import { Registry } from '@voice/shared/telemetry';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/config.js';
import type { GatewayContext } from '../context.js';
import { createGatewayMetrics } from '../metrics.js';
import { FrameIntake } from './frame-intake.js';

const STREAM = `MZ${'a'.repeat(32)}`;
const OTHER_STREAM = `MZ${'b'.repeat(32)}`;
const logger = createLogger({ service: 'frame-intake-test', level: 'silent' });

const media = (streamSid: string, payload = '/////w==') =>
  Buffer.from(
    JSON.stringify({
      event: 'media',
      sequenceNumber: '3',
      media: { track: 'inbound', chunk: '1', timestamp: '20', payload },
      streamSid,
    }),
  );

function intake(maxBadFrames = 50) {
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry);
  const ctx = { config: testConfig({ MAX_BAD_FRAMES: String(maxBadFrames) }), metrics, now: () => 1_000 };
  const seen = {
    messages: [] as TwilioInboundMessage[],
    audio: [] as string[],
    marks: [] as string[],
    closed: 0,
  };
  const frames = new FrameIntake(
    ctx as unknown as GatewayContext,
    {
      onMessage: (message) => seen.messages.push(message),
      onLiveMedia: (payload) => seen.audio.push(Buffer.from(payload).toString('latin1')),
      onLiveMark: (name) => seen.marks.push(name),
      onTooManyBad: () => seen.closed++,
    },
    logger,
  );
  const dropped = async () =>
    Object.fromEntries((await metrics.framesDropped.get()).values.map((v) => [v.labels.reason, v.value]));
  return { frames, seen, metrics, dropped };
}

describe('FrameIntake', () => {
  it('reads media of the live stream on the fast path, as the payload bytes', () => {
    const { frames, seen, metrics } = intake();
    frames.setLiveStream(STREAM, logger);
    frames.receive(media(STREAM, 'AAAA'), false);
    expect(seen.audio).toEqual(['AAAA']);
    expect(seen.messages).toEqual([]);
    expect(metrics.frameCounts.inMedia).toBe(1);
  });

  it('still reports per-frame counts in gateway_frames_total, folded in when it is read', async () => {
    const { frames, metrics } = intake();
    frames.setLiveStream(STREAM, logger);
    for (let i = 0; i < 3; i++) frames.receive(media(STREAM), false);
    const read = async () =>
      (await metrics.frames.get()).values.find(
        (v) => v.labels.direction === 'in' && v.labels.kind === 'media',
      )?.value;
    expect(await read()).toBe(3);
    frames.receive(media(STREAM), false);
    expect(await read()).toBe(4);
  });

  it('before the stream is live, parses media fully (the session drops or holds it)', () => {
    const { frames, seen } = intake();
    frames.receive(media(STREAM), false);
    expect(seen.audio).toEqual([]);
    expect(seen.messages.map((m) => m.event)).toEqual(['media']);
  });

  it('drops media of another stream and media the contract refuses, without the full parser', async () => {
    const { frames, seen, dropped } = intake();
    frames.setLiveStream(STREAM, logger);
    frames.receive(media(OTHER_STREAM), false);
    frames.receive(media(STREAM, 'not base64!'), false);
    frames.receive(media(STREAM, 'A'.repeat(9_000)), false);
    expect(seen.audio).toEqual([]);
    expect(seen.messages).toEqual([]);
    expect(await dropped()).toEqual({ wrong_stream: 1, schema: 2 });
  });

  it('reads marks of the live stream on the fast path, with or without a sequence number', async () => {
    const { frames, seen, metrics, dropped } = intake();
    frames.setLiveStream(STREAM, logger);
    const mark = (streamSid: string, name: string, sequenceNumber?: string) =>
      Buffer.from(JSON.stringify({ event: 'mark', sequenceNumber, streamSid, mark: { name } }));
    frames.receive(mark(STREAM, 'chunk-7', '9'), false);
    frames.receive(mark(STREAM, 'chunk-8'), false);
    frames.receive(mark(OTHER_STREAM, 'chunk-9', '10'), false);
    frames.receive(mark(STREAM, '', '11'), false);
    expect(seen.marks).toEqual(['chunk-7', 'chunk-8']);
    expect(seen.messages).toEqual([]);
    expect(metrics.frameCounts.inMark).toBe(3);
    expect(await dropped()).toEqual({ wrong_stream: 1, schema: 1 });
  });

  it('leaves every other message, and odd media or marks, to the full parser', () => {
    const { frames, seen } = intake();
    frames.setLiveStream(STREAM, logger);
    frames.receive(
      Buffer.from(
        JSON.stringify({ event: 'dtmf', streamSid: STREAM, dtmf: { track: 'inbound_track', digit: '5' } }),
      ),
      false,
    );
    const escaped = media(STREAM).toString().replace('"inbound"', '"inb\\u006fund"');
    frames.receive(Buffer.from(escaped), false);
    frames.receive(
      Buffer.from(JSON.stringify({ event: 'mark', streamSid: STREAM, mark: { name: 'm\u00e9' } })),
      false,
    );
    expect(seen.messages.map((m) => m.event)).toEqual(['dtmf', 'media', 'mark']);
    expect(seen.audio).toEqual([]);
    expect(seen.marks).toEqual([]);
  });

  it('closes the stream once bad frames pass the limit, whichever path found them', () => {
    const { frames, seen } = intake(2);
    frames.setLiveStream(STREAM, logger);
    frames.receive(media(STREAM, '!'), false);
    frames.receive(Buffer.from('{not json'), false);
    expect(seen.closed).toBe(0);
    frames.receive(Buffer.from([1, 2, 3]), true);
    expect(seen.closed).toBe(1);
  });
});
