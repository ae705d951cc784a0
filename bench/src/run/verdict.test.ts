import { describe, expect, it } from 'vitest';
import type { DirectionResult, LevelResult, ProcessUsage } from '../report/results.js';
import { EMPTY_SUMMARY } from '../stats/summary.js';
import { limitingFactor } from './limits.js';
import { verdictReasons } from './verdict.js';

function direction(overrides: Partial<DirectionResult> = {}): DirectionResult {
  return {
    latency: { n: 100, p50: 1, p99: 5, max: 9, mean: 1.2 },
    sent: 100,
    received: 100,
    lost: 0,
    reordered: 0,
    duplicates: 0,
    unmarked: 0,
    ...overrides,
  };
}

function process(role: string, corePercent: number): ProcessUsage {
  return {
    role,
    owner: ['callers', 'fake-model'].includes(role) ? 'harness' : 'ours',
    mediaPath: true,
    cpuSeconds: 1,
    corePercent,
    cpuSecondsPerCallMinute: 0.1,
    rssMb: 100,
    rssPerCallMb: 0.1,
  };
}

function level(overrides: Partial<LevelResult> = {}): LevelResult {
  return {
    system: 'ours',
    traffic: 'smooth',
    calls: 10,
    windowSeconds: 15,
    connected: 10,
    failures: {},
    callerToModel: direction(),
    modelToCaller: direction(),
    setup: EMPTY_SUMMARY,
    bargeIn: { ...EMPTY_SUMMARY, missed: 0 },
    toolViaModel: null,
    toolDirect: null,
    processes: [process('gateway', 40), process('fake-model', 30)],
    mediaPathCpuPerCallMinute: 0.1,
    machineCpuPercent: 50,
    unattributedCores: 0.1,
    cpuPressurePercent: 20,
    eventLoopLag: { gateway: { p50: 0.1, p99: 2, max: 5 } },
    verdict: { held: true, reasons: [] },
    ...overrides,
  };
}

describe('verdict', () => {
  it('holds with no loss, no reordering, every call up and p99 under 20 ms', () => {
    expect(verdictReasons(level())).toEqual([]);
  });

  it('breaks on a lost or reordered frame, a p99 of 20 ms or more, or a failed call', () => {
    const reasons = verdictReasons(
      level({
        callerToModel: direction({ lost: 2 }),
        modelToCaller: direction({ reordered: 1, latency: { n: 1, p50: 1, p99: 20, max: 30, mean: 2 } }),
        failures: { setup_timeout: 3 },
      }),
    );
    expect(reasons).toEqual([
      '3 call(s) failed',
      'caller→model: 2 lost',
      'model→caller: 1 reordered',
      'model→caller: p99 20 ms',
    ]);
  });
});

describe('limitingFactor', () => {
  it('names a saturated event loop first', () => {
    const broken = level({
      processes: [process('gateway', 97), process('media-bridge', 60)],
      machineCpuPercent: 80,
    });
    expect(limitingFactor(broken)).toMatch(
      /^event loop saturated: gateway \(97% of a core, loop lag p99 2 ms\)/,
    );
  });

  it('names a saturated machine and its biggest users', () => {
    const broken = level({
      processes: [process('gateway', 70), process('fake-model', 60)],
      machineCpuPercent: 96,
    });
    expect(limitingFactor(broken)).toBe(
      'machine CPU saturated (96% of all cores); top: gateway 70%, fake-model 60%; ' +
        "the load generator used 60% of a core against the system's 70%",
    );
  });
});

describe('limitingFactor under contention', () => {
  it('names CPU contention when the cores were fought over but not full on average', () => {
    const broken = level({ machineCpuPercent: 75, cpuPressurePercent: 60 });
    expect(limitingFactor(broken)).toMatch(/^CPU contention: some task waited for a core 60% of the time/);
  });
});
