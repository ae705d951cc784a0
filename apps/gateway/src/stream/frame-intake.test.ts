import type { TwilioInboundMessage } from '@voice/shared/contracts';
import { createLogger } from '@voice/shared/logging';
import { Registry } from '@voice/shared/telemetry';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/config.js';
import type { GatewayContext } from '../context.js';
import { createGatewayMetrics } from '../metrics.js';
import { FrameIntake } from './frame-intake.js';
import { FRAME_BURST } from './frame-rate-limit.js';
import { MarkLedger } from './mark-ledger.js';

const STREAM = `MZ${'a'.repeat(32)}`;
const OTHER_STREAM = `MZ${'b'.repeat(32)}`;
const logger = createLogger({ service: 'frame-intake-test', level: 'silent' });

const CLAIM = 'claim-1';

const mark = (streamSid: string, name: string, sequenceNumber?: string) =>
  Buffer.from(JSON.stringify({ event: 'mark', sequenceNumber, streamSid, mark: { name } }));

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
  const ledger = new MarkLedger();
  const frames = new FrameIntake(
    ctx as unknown as GatewayContext,
    {
      onMessage: (message) => seen.messages.push(message),
      onLiveMedia: (payload) => seen.audio.push(Buffer.from(payload).toString('latin1')),
      onMarkEcho: (name, claimId) => seen.marks.push(`${claimId}:${name}`),
      onTooManyBad: () => seen.closed++,
    },
    logger,
    ledger,
  );
  const dropped = async () =>
    Object.fromEntries((await metrics.framesDropped.get()).values.map((v) => [v.labels.reason, v.value]));
  return { frames, seen, metrics, dropped, ledger };
}

describe('FrameIntake', () => {
  it('reads media of the live stream on the fast path, as the payload bytes', () => {
    const { frames, seen, metrics } = intake();
    frames.setStream(STREAM, true, logger);
    frames.receive(media(STREAM, 'AAAA'), false);
    expect(seen.audio).toEqual(['AAAA']);
    expect(seen.messages).toEqual([]);
    expect(metrics.frameCounts.inMedia).toBe(1);
  });

  it('still reports per-frame counts in gateway_frames_total, folded in when it is read', async () => {
    const { frames, metrics } = intake();
    frames.setStream(STREAM, true, logger);
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
    frames.setStream(STREAM, true, logger);
    frames.receive(media(OTHER_STREAM), false);
    frames.receive(media(STREAM, 'not base64!'), false);
    frames.receive(media(STREAM, 'A'.repeat(9_000)), false);
    expect(seen.audio).toEqual([]);
    expect(seen.messages).toEqual([]);
    expect(await dropped()).toEqual({ wrong_stream: 1, schema: 2 });
  });

  it('hands on echoes of marks we sent, with or without a sequence number, each once', async () => {
    const { frames, seen, metrics, dropped, ledger } = intake();
    frames.setStream(STREAM, true, logger);
    for (const name of ['chunk-7', 'chunk-8', 'chunk-9']) ledger.sent(name, CLAIM);
    frames.receive(mark(STREAM, 'chunk-7', '9'), false);
    frames.receive(mark(STREAM, 'chunk-8'), false);
    frames.receive(mark(OTHER_STREAM, 'chunk-9', '10'), false);
    frames.receive(mark(STREAM, '', '11'), false);
    frames.receive(mark(STREAM, 'chunk-7', '12'), false);
    expect(seen.marks).toEqual([`${CLAIM}:chunk-7`, `${CLAIM}:chunk-8`]);
    expect(seen.messages).toEqual([]);
    expect(metrics.frameCounts.inMark).toBe(4);
    expect(await dropped()).toEqual({ wrong_stream: 1, schema: 1, unknown_mark: 1 });
    expect(ledger.size).toBe(1);
  });

  it('never rate limits the burst of echoes a clear returns, but still cuts off a media flood', async () => {
    const { frames, seen, dropped, ledger } = intake();
    frames.setStream(STREAM, true, logger);
    // Twilio returns every pending mark at once on `clear`: thousands in the same millisecond.
    const pending = FRAME_BURST * 10;
    for (let i = 1; i <= pending; i++) ledger.sent(`m${i}`, CLAIM);
    for (let i = 1; i <= pending; i++) frames.receive(mark(STREAM, `m${i}`, String(i)), false);
    expect(seen.marks).toHaveLength(pending);
    expect(seen.closed).toBe(0);
    expect(await dropped()).toEqual({});

    for (let i = 0; i < FRAME_BURST + 60; i++) frames.receive(media(STREAM), false);
    expect(seen.audio).toHaveLength(FRAME_BURST);
    expect(await dropped()).toEqual({ rate_limited: 60 });
    expect(seen.closed).toBeGreaterThan(0);
  });

  it('counts echoes of marks never sent as bad frames, and they spend the rate limit', async () => {
    const { frames, seen, dropped } = intake();
    frames.setStream(STREAM, true, logger);
    for (let i = 0; i < 50; i++) frames.receive(mark(STREAM, `forged-${i}`), false);
    expect(seen.closed).toBe(0);
    frames.receive(mark(STREAM, 'forged-50'), false);
    expect(seen.closed).toBe(1);
    expect(seen.marks).toEqual([]);
    expect(await dropped()).toEqual({ unknown_mark: 51 });
  });

  it('settles echoes while the call moves (no fast path for media), and none before the stream started', async () => {
    const { frames, seen, dropped, ledger } = intake();
    ledger.sent('m1', CLAIM);
    frames.receive(mark(STREAM, 'm1'), false);
    expect(seen.marks).toEqual([]);
    expect(seen.messages.map((m) => m.event)).toEqual(['mark']);
    frames.setStream(STREAM, false, logger);
    frames.receive(mark(STREAM, 'm1'), false);
    frames.receive(media(STREAM), false);
    expect(seen.marks).toEqual([`${CLAIM}:m1`]);
    expect(seen.audio).toEqual([]);
    expect(seen.messages.map((m) => m.event)).toEqual(['mark', 'media']);
    expect(await dropped()).toEqual({});
  });

  it('leaves every other message, and odd media or marks, to the full parser', () => {
    const { frames, seen } = intake();
    frames.setStream(STREAM, true, logger);
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
    frames.setStream(STREAM, true, logger);
    frames.receive(media(STREAM, '!'), false);
    frames.receive(Buffer.from('{not json'), false);
    expect(seen.closed).toBe(0);
    frames.receive(Buffer.from([1, 2, 3]), true);
    expect(seen.closed).toBe(1);
  });
});
