import { describe, expect, it } from 'vitest';
import { type PhasePlan, releaseAtMs, seededRandom } from './phase-schedule.js';

const PLAN: PhasePlan = { originMs: 1_000, phases: 4, jitterMs: 0 };
const noJitter = () => 0;

describe('releaseAtMs', () => {
  it('holds a frame until the next instant of its phase, four instants 5 ms apart per frame', () => {
    expect(releaseAtMs(1_000, 0, PLAN, noJitter)).toBe(1_000);
    expect(releaseAtMs(1_000.1, 0, PLAN, noJitter)).toBe(1_020);
    expect(releaseAtMs(1_003, 1, PLAN, noJitter)).toBe(1_005);
    expect(releaseAtMs(1_006, 1, PLAN, noJitter)).toBe(1_025);
    expect(releaseAtMs(1_071, 3, PLAN, noJitter)).toBe(1_075);
    expect(releaseAtMs(1_071, 6, PLAN, noJitter)).toBe(1_090);
    expect(releaseAtMs(990, 2, PLAN, noJitter)).toBe(990);
  });

  it('sends every call of a level in only as many instants per frame as there are phases', () => {
    const random = seededRandom(7);
    const instants = new Set<number>();
    for (let call = 0; call < 100; call++) {
      const handedOverMs = 2_000 + random() * 20;
      instants.add(releaseAtMs(handedOverMs, call, PLAN, noJitter) % 20);
    }
    expect([...instants].sort((a, b) => a - b)).toEqual([0, 5, 10, 15]);
  });

  it('never sends before the frame is handed over, and holds it less than a frame plus the jitter', () => {
    const random = seededRandom(11);
    const plan = { ...PLAN, jitterMs: 2 };
    for (let i = 0; i < 1_000; i++) {
      const nowMs = 1_000 + random() * 500;
      const at = releaseAtMs(nowMs, i, plan, random);
      expect(at).toBeGreaterThanOrEqual(nowMs);
      expect(at - nowMs).toBeLessThan(20 + 2);
    }
  });

  it('moves each frame by a jitter in [0, jitterMs), the same for the same seed', () => {
    const plan = { ...PLAN, jitterMs: 2 };
    const run = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from(
        { length: 200 },
        (_, i) => releaseAtMs(1_000 + i * 20, 0, plan, random) - (1_000 + i * 20),
      );
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(43)).not.toEqual(first);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThan(2);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(1.5);
  });
});

describe('seededRandom', () => {
  it('draws in [0, 1), spread over the whole range', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });
});
