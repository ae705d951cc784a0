import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors/index.js';
import { createCallControl, createTwilioClient } from './client.js';
import { rateLimitDelayMs } from './rate-limit.js';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const CALL = `CA${'1'.repeat(32)}`;
const POLICY = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000 };
const TOO_MANY = {
  code: 20429,
  message: 'Too Many Requests',
  more_info: 'https://www.twilio.com/docs/errors/20429',
  status: 429,
};

/** A Calls endpoint that answers 429 (with `retryAfter`, if given) `limited` times, then 200. */
function rateLimitedTwilio(limited: number, retryAfter?: string) {
  const seen: number[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    seen.push(performance.now());
    if (seen.length <= limited) {
      res.writeHead(429, {
        'content-type': 'application/json',
        ...(retryAfter ? { 'retry-after': retryAfter } : {}),
      });
      res.end(JSON.stringify(TOO_MANY));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sid: CALL, account_sid: ACCOUNT, status: 'in-progress' }));
  });
  return {
    seen,
    server,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

describe('rateLimitDelayMs', () => {
  it('follows Retry-After in seconds or as a date, capped', () => {
    expect(rateLimitDelayMs('1', 1, POLICY)).toBe(1_000);
    expect(rateLimitDelayMs('30', 1, POLICY)).toBe(2_000);
    const inOneSecond = new Date(Date.now() + 1_500).toUTCString();
    expect(rateLimitDelayMs(inOneSecond, 1, POLICY)).toBeGreaterThan(400);
    expect(rateLimitDelayMs(inOneSecond, 1, POLICY)).toBeLessThanOrEqual(1_500);
  });

  it('backs off exponentially with jitter without one', () => {
    expect(rateLimitDelayMs(undefined, 1, POLICY, () => 0)).toBe(50);
    expect(rateLimitDelayMs(undefined, 3, POLICY, () => 1)).toBe(400);
    expect(rateLimitDelayMs('soon', 10, POLICY, () => 1)).toBe(2_000);
  });
});

describe('a Twilio client that waits out 429s', () => {
  let running: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => running?.close(resolve));
  });

  it('repeats a rate-limited update after the Retry-After Twilio asked for', async () => {
    const twilio = rateLimitedTwilio(1, '1');
    running = twilio.server;
    const client = createTwilioClient({
      accountSid: ACCOUNT,
      authToken: 'token',
      apiBaseUrl: await twilio.start(),
    });
    await createCallControl(client).redirect(CALL, '<Response><Dial>+15550102001</Dial></Response>');
    expect(twilio.seen).toHaveLength(2);
    expect((twilio.seen[1] ?? 0) - (twilio.seen[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('reports a 429 that outlasts its repeats as unavailable (retry later), never as a refusal', async () => {
    const twilio = rateLimitedTwilio(10);
    running = twilio.server;
    const client = createTwilioClient({
      accountSid: ACCOUNT,
      authToken: 'token',
      apiBaseUrl: await twilio.start(),
      rateLimitRetry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 20 },
    });
    const error = await createCallControl(client)
      .hangup(CALL)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(twilio.seen).toHaveLength(3);
  });
});
