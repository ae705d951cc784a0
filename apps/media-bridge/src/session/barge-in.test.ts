import { describe, expect, it } from 'vitest';
import { planBargeIn } from './barge-in.js';

const item = (heardMs: number, forwardedMs: number, truncatable = true) => ({
  itemId: 'item_a',
  heardMs,
  forwardedMs,
  generatedMs: Math.max(forwardedMs, 1),
  truncatable,
});

describe('planBargeIn', () => {
  it('clears queued audio and truncates at the heard position in whole milliseconds', () => {
    expect(planBargeIn({ items: [item(1_237.5, 4_000)], unplayedAudio: true })).toEqual({
      clear: true,
      truncations: [{ itemId: 'item_a', audioEndMs: 1_237 }],
    });
  });

  it('never truncates past what was forwarded, and not items of a replaced session', () => {
    const plan = planBargeIn({
      items: [item(900, 800.4), { ...item(10, 50, false), itemId: 'item_old' }],
      unplayedAudio: true,
    });
    expect(plan.truncations).toEqual([{ itemId: 'item_a', audioEndMs: 800 }]);
  });

  it('leaves an item the model has produced no audio for yet: the API refuses to truncate it', () => {
    const silent = { ...item(0, 0), itemId: 'item_silent', generatedMs: 0 };
    const unplayed = { ...item(0, 0), generatedMs: 240 };
    expect(planBargeIn({ items: [silent, unplayed], unplayedAudio: false })).toEqual({
      clear: false,
      truncations: [{ itemId: 'item_a', audioEndMs: 0 }],
    });
  });
});
