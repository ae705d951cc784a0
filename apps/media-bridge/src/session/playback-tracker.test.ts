import { describe, expect, it } from 'vitest';
import { PlaybackTracker } from './playback-tracker.js';

describe('PlaybackTracker', () => {
  it('names marks per chunk and counts heard audio from acknowledged marks only', () => {
    const tracker = new PlaybackTracker();
    const marks = [100, 100, 60].map((ms) => tracker.chunkSent('item_a', ms, 1));
    expect(marks.map((m) => [m.name, m.endMs])).toEqual([
      ['m1', 100],
      ['m2', 200],
      ['m3', 260],
    ]);
    expect(tracker.item('item_a')).toMatchObject({ forwardedMs: 260, heardMs: 0 });
    expect(tracker.idle).toBe(false);

    expect(tracker.acknowledge('m2')).toBe(true);
    expect(tracker.item('item_a')?.heardMs).toBe(200);
    expect(tracker.acknowledge('m1')).toBe(false);
    expect(tracker.hasUnplayed('item_a')).toBe(true);
    expect(tracker.acknowledge('m3')).toBe(true);
    expect(tracker.item('item_a')?.heardMs).toBe(260);
    expect(tracker.idle).toBe(true);
  });

  it('lists unplayed items in playing order and ignores echoes after a clear', () => {
    const tracker = new PlaybackTracker();
    tracker.chunkSent('item_a', 100, 1);
    tracker.chunkSent('item_a', 100, 1);
    tracker.chunkSent('item_b', 100, 2);
    tracker.acknowledge('m1');
    expect(tracker.unplayed().map((i) => [i.itemId, i.heardMs, i.forwardedMs, i.generation])).toEqual([
      ['item_a', 100, 200, 1],
      ['item_b', 0, 100, 2],
    ]);
    tracker.clear();
    expect(tracker.idle).toBe(true);
    expect(tracker.acknowledge('m2')).toBe(false);
    expect(tracker.item('item_a')?.heardMs).toBe(100);
  });
});
