import { describe, expect, it } from 'vitest';
import { clip, escalationPath, formatAge, label, maskedCaller } from './format.js';

describe('console formatting', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('writes ages in the largest whole unit', () => {
    expect(formatAge(ago(42_000), now)).toBe('42 s');
    expect(formatAge(ago(3 * 60_000 + 5_000), now)).toBe('3 min');
    expect(formatAge(ago(2 * 3_600_000), now)).toBe('2 h');
    expect(formatAge(ago(4 * 86_400_000), now)).toBe('4 d');
    expect(formatAge(ago(-5_000), now)).toBe('0 s');
  });

  it('masks callers, labels statuses, clips text and encodes ids in paths', () => {
    expect(maskedCaller('+15550100001')).toBe('+1******0001');
    expect(label('callback_scheduled')).toBe('callback scheduled');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(escalationPath('CA1:call 2', 'accept')).toBe('/console/escalations/CA1%3Acall%202/accept');
  });
});
