import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { LevelPlan } from '../load/schedule.js';
import type { ProfileSummary } from '../profile/summarise-profile.js';
import { P99_LIMIT_MS } from '../run/verdict.js';
import type { TrafficName, TrafficShape } from '../traffic/shape.js';
import { type MediaPathLevel, mediaPathByLevel } from './media-path-summary.js';
import type { CapacityResult, LevelResult } from './results.js';

/** Ours ÷ the bare relay, at one level both held or ran, under one traffic shape. */
export interface LevelRatios {
  traffic: TrafficName;
  calls: number;
  callerToModel: { p50: number | null; p99: number | null };
  modelToCaller: { p50: number | null; p99: number | null };
  /** Ours − the bare relay (ms): what the system's path adds over the simplest one. */
  extraMs: {
    callerToModel: { p50: number | null; p99: number | null };
    modelToCaller: { p50: number | null; p99: number | null };
  };
  setupP50: number | null;
  bargeInP50: number | null;
  cpuPerCallMinute: number | null;
}

/** The media path's marginal CPU per call-minute under one traffic shape (secondary to the per-level figures). */
export interface MarginalMediaPathCpu {
  traffic: TrafficName;
  ours: number | null;
  baseline: number | null;
  ratio: number | null;
}

/** The JSON file a run leaves in `bench/results/`. */
export interface BenchResults {
  kind: 'voice-agent-benchmark';
  /** 2: levels, ratios and capacities carry their traffic shape; the media path's CPU per level is the headline. */
  version: 2;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    gitCommit: string | null;
    /** Busy share of all cores just before the run (other programs' load, which the run competes with). */
    busyBeforeRunPercent: number;
  };
  plan: LevelPlan & {
    levels: number[];
    traffic: TrafficShape[];
    refineSteps: number;
    p99LimitMs: number;
    frameMs: number;
  };
  levels: LevelResult[];
  capacities: CapacityResult[];
  /**
   * The headline: CPU seconds per call-minute of the media path (gateway + media-bridge + NATS,
   * or the bare relay) at every level that ran, per traffic shape, and ours ÷ the bare relay's.
   */
  mediaPathCpuPerCallMinuteByLevel: MediaPathLevel[];
  /**
   * Secondary: the same from the slopes over the levels that held (marginal, without fixed
   * costs), per traffic shape.
   */
  mediaPathCpuPerCallMinuteMarginal: MarginalMediaPathCpu[];
  ratios: LevelRatios[];
  profiles?: ProfileSummary[];
}

const FRAME_MS = 20;
const BYTES_PER_GB = 1_024 ** 3;

const quotient = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || !b ? null : Math.round((a / b) * 100) / 100;

const difference = (a: number | null, b: number | null) =>
  a === null || b === null ? null : Math.round((a - b) * 1_000) / 1_000;

export function ratiosOf(levels: readonly LevelResult[]): LevelRatios[] {
  const ratios: LevelRatios[] = [];
  for (const ours of levels.filter((l) => l.system === 'ours')) {
    const base = levels.find(
      (l) => l.system === 'baseline' && l.calls === ours.calls && l.traffic === ours.traffic,
    );
    if (!base) continue;
    ratios.push({
      traffic: ours.traffic,
      calls: ours.calls,
      callerToModel: {
        p50: quotient(ours.callerToModel.latency.p50, base.callerToModel.latency.p50),
        p99: quotient(ours.callerToModel.latency.p99, base.callerToModel.latency.p99),
      },
      modelToCaller: {
        p50: quotient(ours.modelToCaller.latency.p50, base.modelToCaller.latency.p50),
        p99: quotient(ours.modelToCaller.latency.p99, base.modelToCaller.latency.p99),
      },
      extraMs: {
        callerToModel: {
          p50: difference(ours.callerToModel.latency.p50, base.callerToModel.latency.p50),
          p99: difference(ours.callerToModel.latency.p99, base.callerToModel.latency.p99),
        },
        modelToCaller: {
          p50: difference(ours.modelToCaller.latency.p50, base.modelToCaller.latency.p50),
          p99: difference(ours.modelToCaller.latency.p99, base.modelToCaller.latency.p99),
        },
      },
      setupP50: quotient(ours.setup.p50, base.setup.p50),
      bargeInP50: quotient(ours.bargeIn.p50, base.bargeIn.p50),
      cpuPerCallMinute: quotient(ours.mediaPathCpuPerCallMinute, base.mediaPathCpuPerCallMinute),
    });
  }
  return ratios;
}

/** The media path's share of the marginal CPU slopes, per traffic shape and system. */
export function mediaPathCpu(
  levels: readonly LevelResult[],
  capacities: readonly CapacityResult[],
): MarginalMediaPathCpu[] {
  const traffics = [...new Set(capacities.map((c) => c.traffic))];
  return traffics.map((traffic) => marginalOf(levels, capacities, traffic));
}

function marginalOf(
  levels: readonly LevelResult[],
  capacities: readonly CapacityResult[],
  traffic: TrafficName,
): MarginalMediaPathCpu {
  const mediaRoles = new Set(
    levels.flatMap((l) => l.processes.filter((p) => p.mediaPath).map((p) => p.role)),
  );
  const of = (system: 'ours' | 'baseline') => {
    const slopes = capacities.find((c) => c.system === system && c.traffic === traffic)?.cpuPerCallMinute;
    if (!slopes) return null;
    const values = Object.entries(slopes).filter(([role]) => mediaRoles.has(role));
    return values.length === 0
      ? null
      : Math.round(values.reduce((sum, [, v]) => sum + v, 0) * 10_000) / 10_000;
  };
  const ours = of('ours');
  const baseline = of('baseline');
  return { traffic, ours, baseline, ratio: quotient(ours, baseline) };
}

export function machineInfo(repoRoot: string, busyBeforeRunPercent: number): BenchResults['machine'] {
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    gitCommit = null;
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / BYTES_PER_GB) * 10) / 10,
    node: process.version,
    gitCommit,
    busyBeforeRunPercent,
  };
}

export function planInfo(
  plan: LevelPlan,
  levels: number[],
  traffic: TrafficShape[],
  refineSteps: number,
): BenchResults['plan'] {
  return { ...plan, levels, traffic, refineSteps, p99LimitMs: P99_LIMIT_MS, frameMs: FRAME_MS };
}

/** What a run found, with when and where it ran. */
export interface RunRecord {
  startedAt: Date;
  durationSeconds: number;
  machine: BenchResults['machine'];
  plan: BenchResults['plan'];
  levels: LevelResult[];
  capacities: CapacityResult[];
  profiles?: ProfileSummary[];
}

export function resultsOf(run: RunRecord): BenchResults {
  return {
    kind: 'voice-agent-benchmark',
    version: 2,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: run.durationSeconds,
    machine: run.machine,
    plan: run.plan,
    levels: [...run.levels].sort(
      (a, b) => a.calls - b.calls || b.traffic.localeCompare(a.traffic) || a.system.localeCompare(b.system),
    ),
    capacities: run.capacities,
    mediaPathCpuPerCallMinuteByLevel: mediaPathByLevel(run.levels),
    mediaPathCpuPerCallMinuteMarginal: mediaPathCpu(run.levels, run.capacities),
    ratios: ratiosOf(run.levels),
    ...(run.profiles ? { profiles: run.profiles } : {}),
  };
}

export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** `YYYY-MM-DD` of the run's start (UTC). */
export function dateStamp(date: Date): string {
  return date.toISOString().slice(0, 10);
}
