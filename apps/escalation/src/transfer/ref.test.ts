import { describe, expect, it } from 'vitest';
import { parseTransferRef, transferRef } from './ref.js';

describe('transfer refs', () => {
  it('round-trips an escalation id that itself holds colons', () => {
    const ref = transferRef('CA1:call_1', 2);
    expect(ref).toBe('CA1:call_1:2');
    expect(parseTransferRef(ref)).toEqual({ escalationId: 'CA1:call_1', attempt: 2 });
  });

  it('refuses what this service never made', () => {
    for (const ref of ['plain', ':1', 'CA1:call_1:x', 'CA1:call_1:-1', 'CA1:1.5']) {
      expect(parseTransferRef(ref)).toBeUndefined();
    }
  });
});
