import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { callLogger, createLogger } from './logger.js';
import { maskPhone } from './mask.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('masks phone numbers under known keys and anywhere in the text', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 't', destination });
    logger.info({ from: '+15551234567', call: { to: '+447700900123' } }, 'caller +15559876543 said hi');
    const line = lines.join('\n');
    expect(line).not.toMatch(/5551234567|447700900123|5559876543/);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      from: '+1******4567',
      call: { to: '+4*******0123' },
      msg: 'caller +1******6543 said hi',
    });
  });

  it('redacts conversation content and tool arguments unless the debug flag is on', () => {
    const quiet = capture();
    createLogger({ service: 't', destination: quiet.destination }).info(
      { text: 'my card is 4111', tool: { arguments: { dob: '1990-01-01' } } },
      'turn',
    );
    expect(quiet.lines[0]).not.toContain('4111');
    expect(quiet.lines[0]).not.toContain('1990-01-01');

    const loud = capture();
    createLogger({ service: 't', destination: loud.destination, sensitive: true }).info(
      { text: 'hello' },
      'turn',
    );
    expect(JSON.parse(loud.lines[0] ?? '{}').text).toBe('hello');
  });

  it('removes secrets by key and by value, and puts the call SID on every call line', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 't', destination, secrets: ['tok-0123456789'] });
    callLogger(logger, 'CA1').warn(
      { headers: { authorization: 'Bearer abc', 'x-twilio-signature': 'sig' } },
      'bad token tok-0123456789',
    );
    const parsed = JSON.parse(lines[0] ?? '{}');
    expect(parsed.callSid).toBe('CA1');
    expect(parsed.headers).toEqual({ authorization: '[secret]', 'x-twilio-signature': '[secret]' });
    expect(parsed.msg).toBe('bad token [secret]');
  });

  it('masks all but the last four digits, keeping short values', () => {
    expect(maskPhone('+15551234567')).toBe('+1******4567');
    expect(maskPhone('client:alice')).toBe('client:alice');
    expect(maskPhone('anonymous')).toBe('anonymous');
  });
});

describe('error serialisation', () => {
  it('keeps query parameters (personal data) out of logged errors', () => {
    const { lines, destination } = capture();
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    const error = new Error(
      'Failed query: insert into "t" ("text") values ($1)\nparams: I was born on 1990-01-01',
      {
        cause,
      },
    );
    createLogger({ service: 't', destination }).error({ err: error }, 'write failed');
    const line = lines[0] ?? '';
    expect(line).not.toContain('1990-01-01');
    expect(JSON.parse(line).err).toMatchObject({
      type: 'Error',
      message: 'Failed query: insert into "t" ("text") values ($1)',
      cause: { code: '23505' },
    });
  });
});
