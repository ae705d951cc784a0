import { describe, expect, it } from 'vitest';
import { issueStreamToken, verifyStreamToken } from './stream-token.js';

const SECRET = 'a-stream-token-secret-for-tests';
const NOW = 1_750_000_000_000;
const grant = {
  callSid: `CA${'a'.repeat(32)}`,
  claimId: 'claim-123456',
  bridgeId: 'media-bridge-host-1',
  expiresAt: NOW + 60_000,
};

describe('stream token', () => {
  it('round-trips the claim it was issued for', () => {
    const token = issueStreamToken(SECRET, grant);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyStreamToken(SECRET, token, NOW)).toEqual({ ok: true, value: grant });
  });

  it('refuses another secret, a changed claim, a truncated signature and an expired token', () => {
    const token = issueStreamToken(SECRET, grant);
    const [version, body, signature] = token.split('.') as [string, string, string];
    const otherBody = Buffer.from(JSON.stringify({ ...grant, callSid: `CA${'b'.repeat(32)}` })).toString(
      'base64url',
    );

    expect(verifyStreamToken('another-secret-entirely', token, NOW)).toEqual({
      ok: false,
      error: 'bad_signature',
    });
    expect(verifyStreamToken(SECRET, `${version}.${otherBody}.${signature}`, NOW)).toEqual({
      ok: false,
      error: 'bad_signature',
    });
    expect(verifyStreamToken(SECRET, `${version}.${body}.${signature.slice(0, 10)}`, NOW)).toEqual({
      ok: false,
      error: 'bad_signature',
    });
    expect(verifyStreamToken(SECRET, token, grant.expiresAt)).toEqual({ ok: false, error: 'expired' });
  });

  it('refuses malformed and missing tokens without throwing', () => {
    const forgedPayload = Buffer.from('{"not":"grant"}').toString('base64url');
    const badGrant = issueStreamToken(SECRET, { ...grant, claimId: 'has a space' });
    for (const token of ['', 'v1', 'v2.a.b', 'v1.a.b.c', `v1.${forgedPayload}`, 'x'.repeat(5_000)]) {
      expect(verifyStreamToken(SECRET, token, NOW).ok).toBe(false);
    }
    expect(verifyStreamToken(SECRET, undefined, NOW)).toEqual({ ok: false, error: 'missing' });
    expect(verifyStreamToken(SECRET, badGrant, NOW)).toEqual({ ok: false, error: 'malformed' });
  });
});
