import { describe, expect, it } from 'vitest';
import type { LevelResult, ProcessUsage } from '../report/results.js';
import { marginalCpuPerCallMinute, memoryPerCall } from './per-call-slopes.js';

const usage = (
  role: string,
  rssMb: number | null,
  owner: ProcessUsage['owner'] = 'ours',
  corePercent = 10,
): ProcessUsage => ({
  role,
  owner,
  mediaPath: true,
  cpuSeconds: 1,
  corePercent,
  cpuSecondsPerCallMinute: 0.1,
  rssMb,
  rssPerCallMb: null,
});

const level = (calls: number, processes: ProcessUsage[], held = true) =>
  ({ calls, processes, verdict: { held, reasons: [] } }) as unknown as LevelResult;

describe('memoryPerCall', () => {
  it('fits memory against calls over the levels, per process, leaving the harness out', () => {
    const slopes = memoryPerCall([
      level(10, [usage('gateway', 101), usage('callers', 50, 'harness'), usage('postgres', null)]),
      level(50, [usage('gateway', 105), usage('callers', 90, 'harness'), usage('postgres', null)]),
      level(100, [usage('gateway', 110), usage('callers', 150, 'harness'), usage('postgres', null)]),
    ]);
    expect(slopes).toEqual({ gateway: 0.1 });
  });

  it('reports nothing from a single level', () => {
    expect(memoryPerCall([level(10, [usage('gateway', 100)])])).toEqual({});
  });

  it('fits CPU against calls over the levels that held: the marginal cost per call-minute', () => {
    const slopes = marginalCpuPerCallMinute([
      level(10, [usage('gateway', 100, 'ours', 15)]),
      level(50, [usage('gateway', 100, 'ours', 35)]),
      level(100, [usage('gateway', 100, 'ours', 99)], false),
    ]);
    // 20 points of a core over 40 calls: 0.5% of a core per call, 0.3 CPU seconds per call-minute.
    expect(slopes).toEqual({ gateway: 0.3 });
  });
});
