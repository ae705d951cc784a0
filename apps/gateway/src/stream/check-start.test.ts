import type { DecidedCallAnswer, TwilioStartMessage } from '@voice/shared/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_NUMBER,
  CALLER_NUMBER,
  TEST_ACCOUNT_SID,
  TEST_TOKEN_SECRET,
  testConfig,
} from '../../test/support/config.js';
import { MemoryCallStreams } from '../calls/call-streams.js';
import { MemoryAnswerLedger } from '../claims/answer-ledger.js';
import { checkStart } from './check-start.js';
import { issueStreamToken } from './stream-token.js';

const CALL_SID = `CA${'7'.repeat(32)}`;
const CLAIM_ID = 'claim-check-1';
const config = testConfig();
const now = () => Date.now();

function answer(claimId = CLAIM_ID): DecidedCallAnswer {
  return {
    state: 'connected',
    gatewayId: 'gw-a',
    claimId,
    bridgeId: 'bridge-1',
    tokenExpiresAt: now() + 60_000,
    accountSid: TEST_ACCOUNT_SID,
    from: CALLER_NUMBER,
    to: AGENT_NUMBER,
    agentId: 'test-agent',
  };
}

/** Twilio's `start` for a stream presenting the token of `claimId`. */
function start(streamDigit: string, claimId = CLAIM_ID): TwilioStartMessage {
  const streamSid = `MZ${streamDigit.repeat(32)}`;
  const token = issueStreamToken(TEST_TOKEN_SECRET, {
    callSid: CALL_SID,
    claimId,
    bridgeId: 'bridge-1',
    expiresAt: now() + 60_000,
  });
  return {
    event: 'start',
    sequenceNumber: '1',
    streamSid,
    start: {
      accountSid: TEST_ACCOUNT_SID,
      streamSid,
      callSid: CALL_SID,
      tracks: ['inbound'],
      customParameters: { token },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
  };
}

describe('checkStart', () => {
  let answers: MemoryAnswerLedger;
  let streams: MemoryCallStreams;
  beforeEach(async () => {
    answers = new MemoryAnswerLedger();
    streams = new MemoryCallStreams();
    await answers.create(CALL_SID, answer());
  });
  const check = (message: TwilioStartMessage) => checkStart({ config, now, answers, streams }, message);

  it('takes the call’s stream slot with who the call is between, from the webhook’s answer alone', async () => {
    const checked = await check(start('1'));
    expect(checked).toMatchObject({
      ok: true,
      call: { accountSid: TEST_ACCOUNT_SID, from: CALLER_NUMBER, to: AGENT_NUMBER, agentId: 'test-agent' },
    });
    expect(await streams.read(CALL_SID)).toEqual({
      state: 'streaming',
      streamSid: `MZ${'1'.repeat(32)}`,
      claimId: CLAIM_ID,
      bridgeId: 'bridge-1',
      accountSid: TEST_ACCOUNT_SID,
      from: CALLER_NUMBER,
      to: AGENT_NUMBER,
      agentId: 'test-agent',
    });
  });

  it('refuses the token a second time, and the token of a call that ended before its stream', async () => {
    expect((await check(start('1'))).ok).toBe(true);
    expect(await check(start('2'))).toMatchObject({ ok: false, refusal: 'replayed' });

    const ended = new MemoryCallStreams();
    await ended.close(CALL_SID);
    expect(await checkStart({ config, now, answers, streams: ended }, start('3'))).toMatchObject({
      ok: false,
      refusal: 'replayed',
    });
  });

  it('refuses a token whose claim is not the one the call was answered with, taking nothing', async () => {
    expect(await check(start('4', 'claim-other-1'))).toMatchObject({ ok: false, refusal: 'replayed' });
    const unanswered = new MemoryAnswerLedger();
    expect(await checkStart({ config, now, answers: unanswered, streams }, start('5'))).toMatchObject({
      ok: false,
      refusal: 'replayed',
    });
    expect(await streams.read(CALL_SID)).toBeUndefined();
  });
});
