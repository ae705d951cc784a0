import { describe, expect, it } from 'vitest';
import { spokenTime, timeView } from './format.js';

describe('spokenTime', () => {
  it('says the day, date, month and UTC time as an agent would read it', () => {
    expect(spokenTime(new Date('2025-12-02T10:30:00Z'))).toBe('Tue 2 Dec, 10:30 UTC');
    expect(spokenTime(new Date('2026-03-01T09:05:00Z'))).toBe('Sun 1 Mar, 09:05 UTC');
  });

  it('pairs the label with the exact ISO time', () => {
    expect(timeView(new Date('2025-12-02T10:30:00Z'))).toEqual({
      startsAt: '2025-12-02T10:30:00.000Z',
      when: 'Tue 2 Dec, 10:30 UTC',
    });
  });
});
