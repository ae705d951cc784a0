import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilioRestApi } from './fake-rest-api.js';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const CALL = `CA${'1'.repeat(32)}`;

describe('FakeTwilioRestApi', () => {
  const fake = new FakeTwilioRestApi({ accountSid: ACCOUNT, authToken: 'secret-token' });
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    await fake.start();
    client = twilio(ACCOUNT, 'secret-token', { autoRetry: false });
    client.api.baseUrl = fake.baseUrl;
  });
  afterAll(() => fake.stop());

  it('records a TwiML update made by the official client and answers a Call resource', async () => {
    const call = await client.calls(CALL).update({ twiml: '<Response><Dial>+15550102001</Dial></Response>' });
    expect(call.sid).toBe(CALL);
    expect(call.status).toBe('in-progress');
    const update = await fake.waitForUpdate((u) => u.callSid === CALL);
    expect(update.twiml).toBe('<Response><Dial>+15550102001</Dial></Response>');
  });

  it('hangs up, then refuses further redirects as Twilio does (21220)', async () => {
    await client.calls(CALL).update({ status: 'completed' });
    expect(fake.statusOf(CALL)).toBe('completed');
    await expect(client.calls(CALL).update({ twiml: '<Response/>' })).rejects.toMatchObject({
      status: 400,
      code: 21220,
    });
  });

  it('rejects wrong credentials and injects failures on demand', async () => {
    const wrong = twilio(ACCOUNT, 'not-the-token', { autoRetry: false });
    wrong.api.baseUrl = fake.baseUrl;
    await expect(wrong.calls(CALL).fetch()).rejects.toMatchObject({ status: 401 });
    fake.failNext(1, 503);
    await expect(client.calls(`CA${'2'.repeat(32)}`).update({ twiml: '<Response/>' })).rejects.toMatchObject({
      status: 503,
    });
  });

  it("answers 429 with Twilio's error body (20429, more_info) and an optional Retry-After", async () => {
    const sid = `CA${'3'.repeat(32)}`;
    fake.rateLimitNext(1, { retryAfterSeconds: 2 });
    const error = await client
      .calls(sid)
      .update({ twiml: '<Response/>' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({
      status: 429,
      code: 20429,
      message: 'Too Many Requests',
      moreInfo: 'https://www.twilio.com/docs/errors/20429',
    });
    expect(fake.rejected.at(-1)).toMatchObject({ callSid: sid, status: 429, code: 20429 });
    expect(fake.updatesFor(sid)).toEqual([]);

    fake.rateLimitNext(1, { retryAfterSeconds: 2 });
    const raw = await fetch(`${fake.baseUrl}/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT}:secret-token`).toString('base64')}` },
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('2');
    expect(await raw.json()).toEqual({
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
  });
});
