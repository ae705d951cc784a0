import { describe, expect, it } from 'vitest';
import { planBargeIn } from './barge-in.js';

const item = (heardMs: number, forwardedMs: number, truncatable = true) => ({
  itemId: 'item_a',
  heardMs,
  forwardedMs,
  truncatable,
});

describe('planBargeIn', () => {
  it('clears queued audio and truncates at the heard position in whole milliseconds', () => {
    expect(
      planBargeIn({
        items: [item(1_237.5, 4_000)],
        unplayedAudio: true,
        responseInFlight: false,
        serverInterrupts: true,
      }),
    ).toEqual({ clear: true, truncations: [{ itemId: 'item_a', audioEndMs: 1_237 }], cancel: false });
  });

  it('never truncates past what was forwarded, and not items of a replaced session', () => {
    const plan = planBargeIn({
      items: [item(900, 800.4), { ...item(10, 50, false), itemId: 'item_old' }],
      unplayedAudio: true,
      responseInFlight: false,
      serverInterrupts: true,
    });
    expect(plan.truncations).toEqual([{ itemId: 'item_a', audioEndMs: 800 }]);
  });

  it('cancels a response in flight only when the server does not cancel it itself', () => {
    const input = { items: [item(0, 0)], unplayedAudio: false, responseInFlight: true };
    expect(planBargeIn({ ...input, serverInterrupts: true })).toMatchObject({ clear: false, cancel: false });
    expect(planBargeIn({ ...input, serverInterrupts: false }).cancel).toBe(true);
    expect(planBargeIn({ ...input, responseInFlight: false, serverInterrupts: false }).cancel).toBe(false);
  });
});
