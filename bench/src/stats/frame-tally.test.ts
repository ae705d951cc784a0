import { describe, expect, it } from 'vitest';
import { ArrivalTally, lostFrames, SendTally, totalOf } from './frame-tally.js';

const WINDOW = { fromMs: 1_000, toMs: 2_000 };

describe('frame tallies', () => {
  it('count only frames sent inside the window', () => {
    const sent = new SendTally();
    sent.reset(WINDOW);
    for (const at of [999, 1_000, 1_500, 2_000, 2_001]) sent.record(1, at);
    expect(sent.report()).toEqual([[1, 3]]);

    const arrivals = new ArrivalTally();
    arrivals.reset(WINDOW);
    arrivals.record(1, 0, 999, 1_001);
    arrivals.record(1, 1, 1_000, 1_002);
    arrivals.record(1, 2, 1_500, 1_505);
    const report = arrivals.report();
    expect(report.received).toEqual([[1, 2]]);
    expect(report.latency.n).toBe(2);
    expect(report.latency.max).toBe(5);
  });

  it('tells reordered and duplicated frames apart', () => {
    const arrivals = new ArrivalTally();
    arrivals.reset(WINDOW);
    for (const seq of [1, 2, 4, 3, 4, 5]) arrivals.record(9, seq, 1_100 + seq, 1_200);
    const report = arrivals.report();
    expect(report.reordered).toBe(1);
    expect(report.duplicates).toBe(1);
    expect(report.received).toEqual([[9, 5]]);
  });

  it('counts frames sent and never received as lost, per stream', () => {
    expect(
      lostFrames(
        [
          [1, 10],
          [2, 5],
        ],
        [[1, 9]],
      ),
    ).toBe(6);
    expect(
      totalOf([
        [1, 10],
        [2, 5],
      ]),
    ).toBe(15);
  });

  it('forgets the previous window on reset', () => {
    const arrivals = new ArrivalTally();
    arrivals.reset(WINDOW);
    arrivals.record(1, 1, 1_100, 1_101);
    arrivals.recordUnmarked();
    arrivals.reset({ fromMs: 5_000, toMs: 6_000 });
    expect(arrivals.report()).toMatchObject({ received: [], unmarked: 0, latency: { n: 0 } });
  });
});
