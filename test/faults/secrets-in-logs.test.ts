import { DEMO_HUMAN_TOKENS, migrationsFolder } from '@voice/shared/db';
import type { FakeRealtimeScript } from '@voice/testkit/openai';
import { TEST_SECRETS } from '@voice/testkit/system';
import { findConnectStream, mulawTone, parseTwiml, type SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange, UTTERANCE_MS } from './support/conversation.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { DEMO_PHONE_NUMBERS } from './support/log-capture.js';
import { waitForEndedRecord } from './support/records.js';

/** A number no agent answers, and how the loggers write it: country code and last four digits. */
const UNKNOWN_NUMBER = '+15550009999';
const MASKED_UNKNOWN = '+1******9999';

function personalScript(): FakeRealtimeScript {
  return {
    callerTranscripts: [
      'Hi, this is Jordan Lee, my number is +15550100001. When is my next appointment?',
      'Please put me through to a person.',
    ],
    rules: [
      { when: { callerSaid: 'appointment' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
      {
        when: { functionOutput: { name: 'lookup_record' } },
        reply: { say: 'You have a check-up next week, Jordan.' },
      },
      {
        when: { callerSaid: 'person' },
        reply: {
          calls: [
            {
              name: 'escalate_to_human',
              arguments: {
                reason: 'asked for a person',
                summary: 'Jordan Lee (+15550100001) asked about their appointment.',
                priority: 'normal',
              },
            },
          ],
        },
      },
      { when: { functionOutput: { name: 'escalate_to_human' } }, reply: { say: 'Connecting you now.' } },
    ],
  };
}

describe('secrets and personal data stay out of the logs; the APIs refuse wrong tokens', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;
  /** Secrets handed out while the suite ran: stream tokens, console session cookies. */
  const issued: string[] = [];

  beforeAll(async () => {
    faults = await startFaultSystem(infra, { script: personalScript(), env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    await faults?.stop();
  });

  const tokenOf = (call: SimulatedCall) => findConnectStream(parseTwiml(call.webhook.body))?.parameters.token;

  it('a whole call with tools, keypad and a hand-off, at debug level, logs no secret and no full number', async () => {
    const call = await faults.call();
    issued.push(tokenOf(call) ?? '');
    await agentTurn(call, 0);
    const pressedAt = call.now();
    call.sendDtmf('4');
    await agentTurn(call, pressedAt);
    await exchange(call);
    await call.say(mulawTone(UTTERANCE_MS));
    await call.waitFor(() => call.transferred, { timeoutMs: 20_000, description: 'the hand-off to a human' });
    await call.hangup();
    await waitForEndedRecord(faults.system.recorderUrl, call.callSid);

    const forged = await faults.call({
      forge: { webhookSignature: 'forged', customParameters: { token: 'stolen' } },
    });
    expect(forged.webhook.status).toBe(403);
    const stolen = await faults.call({ forge: { customParameters: { token: `${tokenOf(call)}x` } } });
    await stolen.ended;

    // A number nobody answers is logged (masked) by the gateway as it refuses the call.
    const unknown = await faults.call({ to: UNKNOWN_NUMBER });
    await unknown.ended;

    expect(issued.every((token) => token.length > 20)).toBe(true);
    expect(faults.leaks([...issued, UNKNOWN_NUMBER])).toEqual([]);
    // Not vacuous: the call was logged, and so was a number, masked.
    expect(faults.logs.lines.filter(({ line }) => line.includes(call.callSid)).length).toBeGreaterThan(10);
    expect(faults.logs.lines.some(({ line }) => line.includes(MASKED_UNKNOWN))).toBe(true);
  });

  it('the Calls API refuses a missing or wrong token', async () => {
    const url = faults.system.recorderUrl;
    const callSid = `CA${'0'.repeat(32)}`;
    for (const path of ['/calls', `/calls/${callSid}`]) {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer wrong-token' },
        { authorization: `Basic ${Buffer.from(`x:${TEST_SECRETS.callsApiToken}`).toString('base64')}` },
        { authorization: `Bearer ${TEST_SECRETS.callsApiToken}x` },
      ];
      for (const headers of attempts) {
        const response = await fetch(`${url}${path}`, { headers });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(await response.text()).not.toContain(TEST_SECRETS.callsApiToken);
      }
    }
    const withQuery = await fetch(`${url}/calls?token=${TEST_SECRETS.callsApiToken}`);
    expect(withQuery.status).toBe(401);
    const allowed = await fetch(`${url}/calls`, {
      headers: { authorization: `Bearer ${TEST_SECRETS.callsApiToken}` },
    });
    expect(allowed.status).toBe(200);
    expect(faults.leaks(issued)).toEqual([]);
  });

  it('the console refuses a missing, forged or wrong session, and a wrong token', async () => {
    const url = `${faults.system.escalationUrl}/console`;
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
    const forgedCookie = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: 'escalation_console=eyJodW1hbkFnZW50SWQiOiJhbGV4LWZyb250LWRlc2sifQ.forged' },
    });
    expect(forgedCookie.status).toBe(401);
    const signIn = (token: string) =>
      fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
    expect((await signIn('not-a-console-token')).status).toBe(401);
    expect((await signIn(`${DEMO_HUMAN_TOKENS['alex-front-desk']} `)).status).toBe(401);

    const signedIn = await signIn(DEMO_HUMAN_TOKENS['alex-front-desk']);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^escalation_console=.{20,}/);
    issued.push(cookie.slice(cookie.indexOf('=') + 1));
    expect((await fetch(url, { redirect: 'manual', headers: { cookie } })).status).toBe(200);

    expect(faults.leaks(issued)).toEqual([]);
    expect(faults.logs.containing(DEMO_PHONE_NUMBERS)).toEqual([]);
  });
});
