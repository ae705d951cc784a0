import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('parseOptions', () => {
  it('climbs the default levels for both systems under both traffic shapes with a 15 s window', () => {
    const options = parseOptions([]);
    expect(options.levels).toEqual([10, 50, 100, 200, 400, 800]);
    expect(options.systems).toEqual(['ours', 'baseline']);
    expect(options.plan.holdMs).toBe(15_000);
    expect(options.refineSteps).toBe(2);
    expect(options.everyLevel).toBe(false);
    expect(parseOptions(['--every-level']).everyLevel).toBe(true);
    expect(options.warmUpCalls).toBe(10);
    expect(options.budgetMs).toBe(780_000);
    expect(options.traffic).toEqual([
      { name: 'smooth', phases: null, jitterMs: 0, modelSpeed: 1 },
      { name: 'bunched', phases: 4, jitterMs: 2, modelSpeed: 4 },
    ]);
  });

  it('takes levels, window, systems and a quick mode', () => {
    const options = parseOptions([
      '--levels',
      '2,4',
      '--hold',
      '3',
      '--systems',
      'baseline',
      '--warm-up',
      '0',
    ]);
    expect(options).toMatchObject({ levels: [2, 4], systems: ['baseline'], warmUpCalls: 0 });
    expect(options.plan.holdMs).toBe(3_000);
    expect(parseOptions(['--quick'])).toMatchObject({ levels: [10, 50], refineSteps: 0 });
    expect(parseOptions(['--quick']).traffic.map((t) => t.name)).toEqual(['smooth', 'bunched']);
  });

  it('takes the traffic shapes, smooth first whatever the order, and the bunched shape’s settings', () => {
    expect(parseOptions(['--traffic', 'smooth']).traffic).toEqual([
      { name: 'smooth', phases: null, jitterMs: 0, modelSpeed: 1 },
    ]);
    const options = parseOptions([
      ...['--traffic', 'bunched,smooth'],
      ...['--phases', '2', '--jitter-ms', '0', '--model-speed', '8'],
    ]);
    expect(options.traffic).toEqual([
      { name: 'smooth', phases: null, jitterMs: 0, modelSpeed: 1 },
      { name: 'bunched', phases: 2, jitterMs: 0, modelSpeed: 8 },
    ]);
    expect(parseOptions(['--traffic', 'bunched', '--jitter-ms', '0.5']).traffic).toEqual([
      { name: 'bunched', phases: 4, jitterMs: 0.5, modelSpeed: 4 },
    ]);
  });

  it('refuses what it cannot use', () => {
    expect(() => parseOptions(['--levels', '10,x'])).toThrow(/--levels/);
    expect(() => parseOptions(['--systems', 'theirs'])).toThrow(/--systems/);
    expect(() => parseOptions(['--hold', '0'])).toThrow(/--hold/);
    expect(() => parseOptions(['--nope'])).toThrow();
    expect(() => parseOptions(['--traffic', 'lumpy'])).toThrow(/--traffic/);
    expect(() => parseOptions(['--phases', '0'])).toThrow(/--phases/);
    expect(() => parseOptions(['--phases', '1.5'])).toThrow(/--phases/);
    expect(() => parseOptions(['--jitter-ms', '-1'])).toThrow(/--jitter-ms/);
    expect(() => parseOptions(['--jitter-ms', '20'])).toThrow(/--jitter-ms/);
    expect(() => parseOptions(['--model-speed', '0'])).toThrow(/--model-speed/);
  });
});
