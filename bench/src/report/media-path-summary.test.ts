import { describe, expect, it } from 'vitest';
import type { TrafficName } from '../traffic/shape.js';
import { mediaPathByLevel, mediaPathLines } from './media-path-summary.js';
import type { LevelResult } from './results.js';

function level(system: LevelResult['system'], traffic: TrafficName, calls: number, cpu: number): LevelResult {
  return { system, traffic, calls, mediaPathCpuPerCallMinute: cpu } as LevelResult;
}

describe('mediaPathByLevel', () => {
  it('pairs ours with the bare relay per level and shape, smooth first, levels in order', () => {
    const rows = mediaPathByLevel([
      level('ours', 'bunched', 10, 0.6),
      level('baseline', 'bunched', 10, 0.4),
      level('ours', 'smooth', 50, 0.33),
      level('baseline', 'smooth', 50, 0.3),
      level('ours', 'smooth', 10, 0.5),
      level('baseline', 'smooth', 10, 0.25),
    ]);
    expect(rows).toEqual([
      { traffic: 'smooth', calls: 10, ours: 0.5, baseline: 0.25, ratio: 2 },
      { traffic: 'smooth', calls: 50, ours: 0.33, baseline: 0.3, ratio: 1.1 },
      { traffic: 'bunched', calls: 10, ours: 0.6, baseline: 0.4, ratio: 1.5 },
    ]);
  });

  it('keeps a level only one system ran, without a ratio', () => {
    expect(mediaPathByLevel([level('ours', 'smooth', 150, 0.4)])).toEqual([
      { traffic: 'smooth', calls: 150, ours: 0.4, baseline: null, ratio: null },
    ]);
  });
});

describe('mediaPathLines', () => {
  it('prints a line per level and shape', () => {
    const text = mediaPathLines([
      { traffic: 'smooth', calls: 10, ours: 0.5, baseline: 0.25, ratio: 2 },
      { traffic: 'bunched', calls: 100, ours: 0.4, baseline: null, ratio: null },
    ]);
    expect(text.split('\n')).toEqual([
      'media path CPU s per call-minute, per level (ours / bare relay = ratio):',
      '  smooth     10 calls: ours 0.500, bare relay 0.250, ours/bare 2.00×',
      '  bunched   100 calls: ours 0.400, bare relay –, ours/bare –',
    ]);
  });
});
