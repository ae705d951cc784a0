interface LatencySample {
  kind: string;
  valueMs: number;
}

interface UsageRow {
  inputTextTokens: number;
  inputAudioTokens: number;
  inputCachedTokens: number;
  outputTextTokens: number;
  outputAudioTokens: number;
  totalTokens: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** Per latency kind: count, p50, p90 and max (ms). */
export function summariseLatencies(samples: readonly LatencySample[]) {
  const byKind = new Map<string, number[]>();
  for (const s of samples) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s.valueMs]);
  return Object.fromEntries(
    [...byKind].map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [
        kind,
        {
          count: sorted.length,
          p50Ms: percentile(sorted, 50),
          p90Ms: percentile(sorted, 90),
          maxMs: sorted[sorted.length - 1] ?? 0,
        },
      ];
    }),
  );
}

/** Token totals by kind over every response of the call. */
export function summariseUsage(rows: readonly UsageRow[]) {
  const totals = {
    inputTextTokens: 0,
    inputAudioTokens: 0,
    inputCachedTokens: 0,
    outputTextTokens: 0,
    outputAudioTokens: 0,
    totalTokens: 0,
  };
  for (const row of rows) {
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += row[key];
  }
  return { responses: rows.length, ...totals };
}
