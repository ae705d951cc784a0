import { describe, expect, it } from 'vitest';
import { statusEventId } from './publisher.js';

describe('status event ids', () => {
  it('are one per escalation, status and attempt, so a repeat is de-duplicated by JetStream', () => {
    expect(statusEventId('CA1:call_1', 'dialing', 2)).toBe('CA1:call_1:dialing:2');
  });

  it('stay within the contract bound for the longest escalation ids, and distinct', () => {
    const long = `CA${'a'.repeat(32)}:${'x'.repeat(166)}`;
    const dialing = statusEventId(long, 'dialing', 1);
    const failed = statusEventId(long, 'failed', 1);
    expect(dialing.length).toBeLessThanOrEqual(200);
    expect(dialing).not.toBe(failed);
  });
});
