import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { AppError, describeError, isRetryable, UnavailableError } from './index.js';

describe('named errors', () => {
  it('decides retryability once, by class', () => {
    expect(isRetryable(new UnavailableError('postgres down'))).toBe(true);
    expect(isRetryable(new AppError('not_found', 'no such slot'))).toBe(false);
    expect(isRetryable(new Error('unknown'))).toBe(false);
  });

  it('describes any thrown value for logs', () => {
    expect(describeError(new UnavailableError('x'))).toEqual({
      name: 'UnavailableError',
      message: 'x',
      code: 'unavailable',
    });
    expect(describeError('boom')).toEqual({ name: 'NonError', message: 'boom' });
  });

  it('never describes a query error by its SQL parameters (callers, summaries)', () => {
    const cause = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    const error = new DrizzleQueryError(
      'insert into escalations values ($1)',
      ['+15550100001 said secret things'],
      cause,
    );
    const described = describeError(error);
    expect(JSON.stringify(described)).not.toContain('+15550100001');
    expect(described).toEqual({ name: 'Error', message: 'relation "x" does not exist', code: '42P01' });
  });
});
