import { describe, expect, it } from 'vitest';
import { whisperText } from './whisper.js';

describe('the whisper', () => {
  it('gives the human a short brief: priority when it matters, the reason and a clipped summary', () => {
    const text = whisperText({ reason: 'Refund <now>', summary: 'x'.repeat(1_000), priority: 'urgent' });
    expect(text).toContain('urgent priority. Reason: Refund <now>. Summary: ');
    expect(text.length).toBeLessThan(700);
    expect(text).toContain('… Connecting you now.');
    expect(whisperText({ reason: 'Billing.', summary: 'Charged twice', priority: 'normal' })).toBe(
      'Transfer from the AI receptionist. Reason: Billing. Summary: Charged twice. Connecting you now.',
    );
  });
});
