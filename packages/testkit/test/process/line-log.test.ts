import { describe, expect, it } from 'vitest';
import { LineLog, toLinePredicate } from '../../src/process/line-log.js';

describe('LineLog', () => {
  it('keeps at most `capacity` lines, dropping the oldest', () => {
    const log = new LineLog(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) log.push(line);
    expect(log.lines).toEqual(['c', 'd', 'e']);
    expect(log.tail(2)).toBe('d\ne');
  });

  it('tells subscribers of each new line until they unsubscribe', () => {
    const log = new LineLog(10);
    const seen: string[] = [];
    const unsubscribe = log.subscribe((line) => seen.push(line));
    log.push('one');
    unsubscribe();
    log.push('two');
    expect(seen).toEqual(['one']);
  });
});

describe('toLinePredicate', () => {
  it('matches a global RegExp on every call (no lastIndex carry-over)', () => {
    const matches = toLinePredicate(/ready/g);
    expect([matches('server ready'), matches('server ready'), matches('not yet')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
