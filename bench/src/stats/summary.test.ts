import { describe, expect, it } from 'vitest';
import { percentile, SampleBuffer, summarise } from './summary.js';

describe('summarise', () => {
  it('reports nearest-rank percentiles, the max and the mean', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarise(values)).toEqual({ n: 100, p50: 50, p99: 99, max: 100, mean: 50.5 });
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });

  it('reports nothing for no samples', () => {
    expect(summarise([])).toEqual({ n: 0, p50: null, p99: null, max: null, mean: null });
  });

  it('keeps samples in a growing buffer', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 5_000; i++) buffer.push(i);
    expect(buffer.length).toBe(5_000);
    expect(summarise(buffer.view()).max).toBe(4_999);
    buffer.clear();
    expect(buffer.length).toBe(0);
  });
});
