import { describe, expect, it } from 'vitest';
import { AppError, UnavailableError } from '../errors/index.js';
import { callControlErrorOf, twilioErrorCode } from './client.js';

describe('a failed REST call as the call-control port reports it', () => {
  it('tells a call that ended (21220, 20404) from another refusal, with the code an operator looks up', () => {
    const gone = Object.assign(new Error('Call is not in-progress'), { status: 400, code: 21220 });
    const permanent = new AppError('upstream_failed', 'twilio redirect CA1: 400', { cause: gone });
    expect(twilioErrorCode(permanent)).toBe(21220);
    expect(callControlErrorOf(permanent)).toEqual({
      code: 'call_gone',
      message: 'twilio rejected the call update (21220)',
      retryable: false,
    });
    const invalid = new AppError('upstream_failed', 'twilio redirect CA1: 400', {
      cause: Object.assign(new Error('Invalid TwiML'), { code: 12100 }),
    });
    expect(callControlErrorOf(invalid)).toMatchObject({ code: 'rejected', retryable: false });
  });

  it('reports an outage, a 429 that outlasted its repeats or an unknown failure as retryable', () => {
    expect(callControlErrorOf(new UnavailableError('twilio redirect CA1 failed (503)'))).toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    expect(callControlErrorOf(new TypeError('boom'))).toMatchObject({ code: 'unavailable', retryable: true });
  });
});
