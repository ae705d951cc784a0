import { describe, expect, it } from 'vitest';
import { createSessionCodec, readCookie } from './session.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123';

describe('console sessions', () => {
  it('reads back what it issued, and derives a CSRF token only that session passes', () => {
    const codec = createSessionCodec({ secret: SECRET, ttlMs: 60_000 });
    const { session, value } = codec.issue('alex-front-desk');
    expect(codec.read(value)).toEqual(session);
    const other = codec.issue('alex-front-desk').session;
    expect(codec.checkCsrf(session, codec.csrfToken(session))).toBe(true);
    expect(codec.checkCsrf(session, codec.csrfToken(other))).toBe(false);
    expect(codec.checkCsrf(session, undefined)).toBe(false);
  });

  it('rejects tampered, foreign and expired cookies', () => {
    let clock = 1_000;
    const codec = createSessionCodec({ secret: SECRET, ttlMs: 60_000, now: () => clock });
    const { value } = codec.issue('alex-front-desk');
    const [payload, signature] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ h: 'sam-front-desk', n: 'x', e: 9e15 })).toString(
      'base64url',
    );
    expect(codec.read(`${forged}.${signature}`)).toBeUndefined();
    expect(codec.read(`${payload}.${signature}x`)).toBeUndefined();
    expect(createSessionCodec({ secret: `${SECRET}-other`, ttlMs: 60_000 }).read(value)).toBeUndefined();
    expect(codec.read(undefined)).toBeUndefined();
    clock += 60_001;
    expect(codec.read(value)).toBeUndefined();
  });

  it('finds one cookie among several', () => {
    expect(readCookie('a=1; escalation_console=abc.def; b=2', 'escalation_console')).toBe('abc.def');
    expect(readCookie('a=1', 'escalation_console')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });
});
