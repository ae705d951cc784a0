import { describe, expect, it } from 'vitest';
import { seededRandom } from './random.js';
import { mutateJson, mutateText, randomJson } from './values.js';

describe('fuzz inputs', () => {
  it('replay exactly from a seed', () => {
    const run = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => JSON.stringify(randomJson(random)));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('stay in range and always produce JSON-representable values', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 2_000; i++) {
      const n = random.next();
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(1);
      const value = mutateJson(random, { event: 'media', media: { payload: 'AAAA' } });
      expect(() => JSON.stringify(value)).not.toThrow();
      expect(typeof mutateText(random, '{"event":"mark"}')).toBe('string');
    }
  });

  it('write a __proto__ key as a key, the way JSON.parse reads one', () => {
    const random = seededRandom(3);
    const withProto = Array.from({ length: 500 }, () => mutateJson(random, { a: 1 })).find(
      (value) => typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__'),
    );
    expect(JSON.stringify(withProto)).toContain('"__proto__"');
    expect(Object.getPrototypeOf(withProto)).toBe(Object.prototype);
  });
});
