/** Percentiles of a sample, in the sample's unit (milliseconds here). */
export interface Summary {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export const EMPTY_SUMMARY: Summary = { n: 0, p50: null, p99: null, max: null, mean: null };

/** Nearest-rank percentile of an ascending sample. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarise(values: ArrayLike<number>): Summary {
  if (values.length === 0) return EMPTY_SUMMARY;
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] as number),
    mean: round(total / sorted.length),
  };
}

/** Microsecond precision is all the clock gives; more digits would only be noise in the JSON. */
function round(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}

/** A growable array of doubles without a boxed number per sample. */
export class SampleBuffer {
  private values = new Float64Array(1_024);
  private size = 0;

  push(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }

  get length(): number {
    return this.size;
  }

  view(): Float64Array {
    return this.values.subarray(0, this.size);
  }

  clear(): void {
    this.size = 0;
  }
}
