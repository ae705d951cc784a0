import { AppError, UnavailableError } from '@voice/shared/errors';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { failureKind, failureReason, TransferUnavailableError } from './failures.js';

describe('failure classification', () => {
  it('retries what a dependency being away causes', () => {
    expect(failureKind(new UnavailableError('twilio 503'))).toBe('transient');
    expect(failureKind(new TransferUnavailableError('twilio 503'))).toBe('transient');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(failureKind(new DrizzleQueryError('select 1', [], refused))).toBe('transient');
    expect(failureKind(new Error('Connection terminated unexpectedly'))).toBe('transient');
    expect(failureKind(Object.assign(new Error('admin shutdown'), { code: '57P01' }))).toBe('transient');
    expect(failureKind(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe('transient');
  });

  it('gives up on what cannot succeed, and treats the unknown as unexpected', () => {
    const permanent = new AppError('upstream_failed', 'the agent profile is gone');
    expect(failureKind(permanent)).toBe('permanent');
    expect(failureReason(permanent)).toBe('the agent profile is gone');
    const constraint = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(failureKind(new DrizzleQueryError('insert', [], constraint))).toBe('unexpected');
    expect(failureKind(new TypeError('x is undefined'))).toBe('unexpected');
  });
});
