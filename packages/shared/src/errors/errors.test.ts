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
});
