import { describe, expect, it } from 'vitest';
import { MARK_INTERVAL_MS, MAX_ECHO_DELAY_MS, PlaybackTracker } from './playback-tracker.js';

/** A tracker on a clock the test moves by hand. */
function tracked() {
  const clock = { now: 0 };
  return { clock, tracker: new PlaybackTracker({ now: () => clock.now }) };
}

describe('PlaybackTracker', () => {
  it('marks about every 250 ms of audio and at the end of a response, not per chunk', () => {
    const { tracker } = tracked();
    // A minute of speech in 20 ms chunks, as a fast model sends it.
    const marks = Array.from({ length: 3_000 }, () => tracker.chunkSent('item_a', 20, 1)).filter(
      (mark) => mark !== undefined,
    );
    expect(marks.length).toBeLessThanOrEqual(60_000 / MARK_INTERVAL_MS);
    expect(marks.length).toBeGreaterThan(60_000 / (MARK_INTERVAL_MS + 20));
    expect(tracker.flush()?.name).toBe(`m${marks.length + 1}`);
    expect(tracker.flush()).toBeUndefined();
    expect(tracker.item('item_a')).toMatchObject({ forwardedMs: 60_000, heardMs: 0 });
  });

  it('counts acknowledged audio as heard, and play-out time since, clamped at the next mark', () => {
    const { clock, tracker } = tracked();
    for (let i = 0; i < 6; i++) tracker.chunkSent('item_a', 100, 1);
    expect(tracker.idle).toBe(false);
    clock.now = 120;
    expect(tracker.item('item_a')?.heardMs).toBe(120);
    expect(tracker.acknowledge('m1')).toBe(true);
    expect(tracker.item('item_a')?.heardMs).toBe(300);
    clock.now = 170;
    expect(tracker.item('item_a')?.heardMs).toBe(350);
    clock.now = 10_000;
    // m2 (at 600 ms) has not come back: nothing past it counts.
    expect(tracker.item('item_a')?.heardMs).toBe(600);
    expect(tracker.acknowledge('m1')).toBe(false);
    expect(tracker.hasUnplayed('item_a')).toBe(true);
    expect(tracker.acknowledge('m2')).toBe(true);
    expect(tracker.idle).toBe(true);
  });

  it('counts from when a late echo’s audio played (a stall on the way back), within a bound', () => {
    const { clock, tracker } = tracked();
    for (let i = 0; i < 9; i++) tracker.chunkSent('item_a', 100, 1);
    // m1 (300 ms, played by 300) comes back 200 ms late, in a burst after a stall.
    clock.now = 500;
    tracker.acknowledge('m1');
    clock.now = 520;
    expect(tracker.item('item_a')?.heardMs).toBe(520);
    // m2 (600 ms, played by 600) comes back a second late: only MAX_ECHO_DELAY_MS of it counts.
    clock.now = 1_600;
    tracker.acknowledge('m2');
    expect(tracker.item('item_a')?.heardMs).toBe(600 + MAX_ECHO_DELAY_MS);
  });

  it('starts a chunk no earlier than it was sent (a slow model leaves gaps)', () => {
    const { clock, tracker } = tracked();
    tracker.chunkSent('item_a', 100, 1);
    clock.now = 500;
    tracker.chunkSent('item_a', 100, 1);
    clock.now = 540;
    expect(tracker.item('item_a')?.heardMs).toBe(140);
  });

  it('freezes the heard position on clear; echoes of the marks it flushed change nothing', () => {
    const { clock, tracker } = tracked();
    for (let i = 0; i < 30; i++) tracker.chunkSent('item_a', 100, 1);
    tracker.chunkSent('item_b', 100, 2);
    tracker.flush();
    clock.now = 1_000;
    tracker.acknowledge('m3');
    clock.now = 1_080;
    expect(tracker.unplayed().map((i) => [i.itemId, i.heardMs, i.forwardedMs, i.generation])).toEqual([
      ['item_a', 1_080, 3_000, 1],
      ['item_b', 0, 100, 2],
    ]);
    tracker.clear();
    expect(tracker.idle).toBe(true);
    clock.now = 1_090;
    // Twilio returns every pending mark at once on `clear`: they were not played.
    for (let i = 4; i <= 11; i++) expect(tracker.acknowledge(`m${i}`)).toBe(false);
    expect(tracker.item('item_a')?.heardMs).toBe(1_080);
    expect(tracker.item('item_b')?.heardMs).toBe(0);
  });

  it('after a clear, audio of the next answer plays from when it is sent', () => {
    const { clock, tracker } = tracked();
    tracker.chunkSent('item_a', 300, 1);
    clock.now = 100;
    tracker.clear();
    clock.now = 400;
    tracker.chunkSent('item_b', 100, 1);
    clock.now = 450;
    expect(tracker.item('item_a')?.heardMs).toBe(100);
    expect(tracker.item('item_b')?.heardMs).toBe(50);
  });
});
