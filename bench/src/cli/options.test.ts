import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('parseOptions', () => {
  it('climbs the default levels for both systems with a 15 s window', () => {
    const options = parseOptions([]);
    expect(options.levels).toEqual([10, 50, 100, 200, 400, 800]);
    expect(options.systems).toEqual(['ours', 'baseline']);
    expect(options.plan.holdMs).toBe(15_000);
    expect(options.refineSteps).toBe(2);
    expect(options.warmUpCalls).toBe(10);
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
  });

  it('refuses what it cannot use', () => {
    expect(() => parseOptions(['--levels', '10,x'])).toThrow(/--levels/);
    expect(() => parseOptions(['--systems', 'theirs'])).toThrow(/--systems/);
    expect(() => parseOptions(['--hold', '0'])).toThrow(/--hold/);
    expect(() => parseOptions(['--nope'])).toThrow();
  });
});
