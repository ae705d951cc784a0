import { ToolInputParsingException } from '@langchain/core/tools';
import { AppError, UnavailableError } from '@voice/shared/errors';
import { describe, expect, it } from 'vitest';
import {
  INTERNAL_MESSAGE,
  ToolCallError,
  toolError,
  toToolError,
  UNAVAILABLE_MESSAGE,
} from './tool-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toToolError', () => {
  it('keeps a ToolCallError as the tool meant it', () => {
    expect(toToolError(new ToolCallError('not_found', 'No such ticket.'))).toEqual({
      error: { code: 'not_found', message: 'No such ticket.', retryable: false },
      expected: true,
    });
    expect(toToolError(new ToolCallError('conflict', 'Taken.', { retryable: true })).error.retryable).toBe(
      true,
    );
  });

  it('maps the shared named errors', () => {
    expect(toToolError(new AppError('conflict', 'Slot taken.')).error).toMatchObject({ code: 'conflict' });
    expect(toToolError(new UnavailableError('CRM down')).error).toEqual({
      code: 'unavailable',
      message: 'CRM down',
      retryable: true,
    });
    expect(toToolError(new AppError('upstream_failed', 'x')).error.code).toBe('unavailable');
  });

  it("turns LangChain's parsing error into bad_arguments", () => {
    const parsing = new ToolInputParsingException('Received tool input did not match expected schema', '{}');
    expect(toToolError(parsing).error.code).toBe('bad_arguments');
  });

  it('says unavailable, retryable, when Postgres cannot be reached, wrapped or not', () => {
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    const wrapped = new Error('Failed query: select 1', { cause: refused });
    for (const error of [
      refused,
      wrapped,
      withCode('terminating connection', '57P01'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(toToolError(error)).toEqual({
        error: { code: 'unavailable', message: UNAVAILABLE_MESSAGE, retryable: true },
        expected: true,
      });
    }
  });

  it('hides anything else behind a generic internal error', () => {
    const mapped = toToolError(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(mapped).toEqual({
      error: { code: 'internal', message: INTERNAL_MESSAGE, retryable: false },
      expected: false,
    });
    expect(toToolError('a string').error.code).toBe('internal');
    expect(toToolError(withCode('duplicate key', '23505')).error.code).toBe('internal');
  });
});

describe('toolError', () => {
  it('bounds the message to the contract and defaults retryable by code', () => {
    const long = toolError('internal', 'x'.repeat(5_000));
    expect(long.message).toHaveLength(2_000);
    expect(toolError('timeout', 't').retryable).toBe(true);
    expect(toolError('not_found', 'n').retryable).toBe(false);
  });
});
