import type { TrafficName } from '../traffic/shape.js';
import type { LevelResult } from './results.js';

/** The headline: one level under one traffic shape, the media path's CPU of both systems. */
export interface MediaPathLevel {
  traffic: TrafficName;
  calls: number;
  /** CPU seconds per call-minute of gateway + media-bridge + NATS this level (null: not run). */
  ours: number | null;
  /** The same of the bare relay. */
  baseline: number | null;
  /** ours ÷ baseline, two decimals (null unless both ran). */
  ratio: number | null;
}

const TRAFFIC_ORDER: readonly TrafficName[] = ['smooth', 'bunched'];

/**
 * Every level that ran, per traffic shape, with the media path's CPU per call-minute of ours,
 * of the bare relay and their ratio: the figure the bench is judged by at each level (a slope
 * over levels can hide a level where ours costs far more).
 */
export function mediaPathByLevel(levels: readonly LevelResult[]): MediaPathLevel[] {
  const keys = new Map<string, { traffic: TrafficName; calls: number }>();
  for (const level of levels) keys.set(`${level.traffic}/${level.calls}`, level);
  return [...keys.values()]
    .map(({ traffic, calls }) => {
      const pick = (system: LevelResult['system']) =>
        levels.find((l) => l.traffic === traffic && l.calls === calls && l.system === system)
          ?.mediaPathCpuPerCallMinute ?? null;
      const ours = pick('ours');
      const baseline = pick('baseline');
      const ratio = ours === null || !baseline ? null : Math.round((ours / baseline) * 100) / 100;
      return { traffic, calls, ours, baseline, ratio };
    })
    .sort((a, b) => TRAFFIC_ORDER.indexOf(a.traffic) - TRAFFIC_ORDER.indexOf(b.traffic) || a.calls - b.calls);
}

const seconds = (value: number | null) => (value === null ? '–' : value.toFixed(3));

/** The end-of-run headline: a line per level and shape. */
export function mediaPathLines(rows: readonly MediaPathLevel[]): string {
  const lines = ['media path CPU s per call-minute, per level (ours / bare relay = ratio):'];
  for (const row of rows) {
    const ratio = row.ratio === null ? '–' : `${row.ratio.toFixed(2)}×`;
    lines.push(
      `  ${row.traffic.padEnd(8)}${String(row.calls).padStart(5)} calls: ` +
        `ours ${seconds(row.ours)}, bare relay ${seconds(row.baseline)}, ours/bare ${ratio}`,
    );
  }
  return lines.join('\n');
}
