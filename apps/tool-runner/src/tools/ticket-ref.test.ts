import { describe, expect, it } from 'vitest';
import { normalizeTicketRef, ticketRef } from './ticket-ref.js';

describe('ticket references', () => {
  it('derive from the row id', () => {
    expect(ticketRef(42)).toBe('T-1042');
  });

  it('accept what a caller reads out', () => {
    for (const spoken of ['T-1042', 't-1042', 'T 1042', 'T1042', '1042', ' 1042 ']) {
      expect(normalizeTicketRef(spoken)).toBe('T-1042');
    }
  });

  it('refuse what is not a reference', () => {
    for (const spoken of ['', 'my ticket', 'T-', '10 42', 'X-1042'])
      expect(normalizeTicketRef(spoken)).toBeUndefined();
  });
});
