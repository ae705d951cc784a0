import { describe, expect, it } from 'vitest';
import { HeldFrames, type HeldMessage, MAX_HELD_MEDIA_FRAMES } from './held-frames.js';

const STREAM = `MZ${'a'.repeat(32)}`;
const media = (chunk: number): HeldMessage => ({
  event: 'media',
  sequenceNumber: String(chunk + 2),
  streamSid: STREAM,
  media: { track: 'inbound', chunk: String(chunk), timestamp: String(chunk * 20), payload: 'AAAA' },
});
const dtmf: HeldMessage = { event: 'dtmf', streamSid: STREAM, dtmf: { track: 'inbound_track', digit: '7' } };

describe('HeldFrames', () => {
  it('keeps the most recent 2 s of audio and every digit, in order', () => {
    const held = new HeldFrames();
    held.hold(media(0));
    held.hold(dtmf);
    for (let chunk = 1; chunk <= MAX_HELD_MEDIA_FRAMES + 10; chunk++) held.hold(media(chunk));
    const taken = held.take();
    expect(taken[0]).toEqual(dtmf);
    const chunks = taken.flatMap((m) => (m.event === 'media' ? [Number(m.media.chunk)] : []));
    expect(chunks).toHaveLength(MAX_HELD_MEDIA_FRAMES);
    expect(chunks[0]).toBe(11);
    expect(chunks.at(-1)).toBe(MAX_HELD_MEDIA_FRAMES + 10);
    expect(held.take()).toEqual([]);
  });
});
