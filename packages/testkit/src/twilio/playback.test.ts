import { describe, expect, it } from 'vitest';
import { FRAME_BYTES } from './mulaw.js';
import { MAX_BUFFERED_BYTES, PlaybackBuffer } from './playback.js';

function buffer() {
  const echoed: string[] = [];
  return { echoed, playback: new PlaybackBuffer((name) => echoed.push(name)) };
}

describe('PlaybackBuffer (Twilio outbound playback)', () => {
  it('plays 160 bytes per frame and echoes a mark once the audio before it has played', () => {
    const { echoed, playback } = buffer();
    playback.enqueueAudio(Buffer.alloc(FRAME_BYTES * 2 + 40, 1));
    playback.enqueueMark('m1');
    playback.enqueueAudio(Buffer.alloc(FRAME_BYTES, 2));
    playback.enqueueMark('m2');

    expect(playback.playFrame()).toHaveLength(FRAME_BYTES);
    expect(playback.playFrame()).toHaveLength(FRAME_BYTES);
    expect(echoed).toEqual([]);
    const third = playback.playFrame();
    expect(third).toHaveLength(FRAME_BYTES);
    expect(echoed).toEqual(['m1']);
    expect(playback.playFrame()).toHaveLength(40);
    expect(echoed).toEqual(['m1', 'm2']);
    expect(playback.playFrame()).toHaveLength(0);
  });

  it('echoes a mark at once when nothing is queued before it', () => {
    const { echoed, playback } = buffer();
    playback.enqueueMark('idle');
    expect(echoed).toEqual(['idle']);
  });

  it('clear drops unplayed audio and echoes every pending mark immediately, in order', () => {
    const { echoed, playback } = buffer();
    playback.enqueueAudio(Buffer.alloc(FRAME_BYTES * 10, 1));
    playback.enqueueMark('a');
    playback.enqueueAudio(Buffer.alloc(FRAME_BYTES * 10, 1));
    playback.enqueueMark('b');
    playback.playFrame();
    expect(playback.clear()).toBe(FRAME_BYTES * 19);
    expect(echoed).toEqual(['a', 'b']);
    expect(playback.pendingBytes).toBe(0);
    expect(playback.playFrame()).toHaveLength(0);
  });

  it('discards audio past ten minutes buffered, as Twilio does (31931)', () => {
    const { playback } = buffer();
    expect(playback.enqueueAudio(Buffer.alloc(MAX_BUFFERED_BYTES - FRAME_BYTES))).toBe(true);
    expect(playback.enqueueAudio(Buffer.alloc(FRAME_BYTES + 1))).toBe(false);
    expect(playback.pendingBytes).toBe(MAX_BUFFERED_BYTES - FRAME_BYTES);
    playback.playFrame();
    expect(playback.enqueueAudio(Buffer.alloc(FRAME_BYTES * 2))).toBe(true);
  });
});
