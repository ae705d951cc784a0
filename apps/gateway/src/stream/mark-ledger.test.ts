import { describe, expect, it } from 'vitest';
import { MAX_PENDING_MARKS, MarkLedger } from './mark-ledger.js';

describe('MarkLedger', () => {
  it('settles each sent mark once, with the claim that sent it', () => {
    const ledger = new MarkLedger();
    ledger.sent('m1', 'claim-a');
    ledger.sent('m2', 'claim-a');
    expect(ledger.expects('m1')).toBe(true);
    expect(ledger.echoed('m1')).toBe('claim-a');
    expect(ledger.echoed('m1')).toBeUndefined();
    expect(ledger.echoed('never-sent')).toBeUndefined();
    expect(ledger.size).toBe(1);
  });

  it('after a move, gives a reused name to the claim whose mark is oldest (echoes come in order)', () => {
    const ledger = new MarkLedger();
    ledger.sent('m5', 'claim-old');
    ledger.sent('m5', 'claim-new');
    expect(ledger.echoed('m5')).toBe('claim-old');
    expect(ledger.echoed('m5')).toBe('claim-new');
    expect(ledger.expects('m5')).toBe(false);
  });

  it('refuses to record marks past the bound', () => {
    const ledger = new MarkLedger();
    for (let i = 0; i < MAX_PENDING_MARKS; i++) expect(ledger.sent(`m${i}`, 'claim')).toBe(true);
    expect(ledger.sent('one-more', 'claim')).toBe(false);
    ledger.echoed('m0');
    expect(ledger.sent('one-more', 'claim')).toBe(true);
  });
});
