import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_ACCOUNT_SID } from '../../test/support/config.js';
import {
  callSid,
  signedPost,
  type UnitGateway,
  unitGateway,
  voiceParams,
} from '../../test/support/unit-gateway.js';

const STATUS = '/voice/status';

const callStatus = (sid: string, status: string, extra: Record<string, string> = {}) => ({
  AccountSid: TEST_ACCOUNT_SID,
  CallSid: sid,
  CallStatus: status,
  ...extra,
});

describe('POST /voice/status', () => {
  let gw: UnitGateway;
  beforeEach(async () => {
    gw = await unitGateway();
  });
  afterEach(() => gw.close());

  async function answeredCall(): Promise<string> {
    const sid = callSid();
    await gw.app.http.inject(signedPost('/voice/inbound', voiceParams(sid)));
    return sid;
  }

  it('publishes call.ended with the duration and closes the stream slot; a repeat changes nothing', async () => {
    const sid = await answeredCall();
    const first = await gw.app.http.inject(
      signedPost(STATUS, callStatus(sid, 'completed', { CallDuration: '42' })),
    );
    const repeat = await gw.app.http.inject(
      signedPost(STATUS, callStatus(sid, 'completed', { CallDuration: '43' })),
    );

    expect([first.statusCode, repeat.statusCode]).toEqual([204, 204]);
    expect(await gw.streams.read(sid)).toEqual({ state: 'ended' });
    const ended = gw.events.ofType('call.ended');
    expect(ended.map((e) => [e.eventId, e.reason])).toEqual([
      [`${sid}:ended`, 'caller_hangup'],
      [`${sid}:ended`, 'caller_hangup'],
    ]);
    expect(ended[0]?.durationSeconds).toBe(42);
  });

  it('lets go of a claim still waiting for its stream when the caller hangs up', async () => {
    const sid = await answeredCall();
    const claimId = gw.app.liveCalls.get(sid)?.claimId;
    await gw.app.http.inject(signedPost(STATUS, callStatus(sid, 'canceled')));
    expect(gw.app.liveCalls.size).toBe(0);
    expect(gw.bus.looseControls).toEqual([
      {
        subjects: expect.objectContaining({ inControl: `media.${sid}.${claimId}.in.ctl` }),
        control: { type: 'stop', reason: 'call_ended' },
      },
    ]);
    expect(gw.events.ofType('call.ended')[0]?.reason).toBe('canceled');
  });

  it('keeps the reason noted before Twilio confirmed the end (an agent hang-up)', async () => {
    const sid = await answeredCall();
    await gw.app.runCommand(sid, { type: 'hang_up', reason: 'agent_ended' });
    await gw.app.http.inject(signedPost(STATUS, callStatus(sid, 'completed', { CallDuration: '7' })));
    expect(gw.events.ofType('call.end_requested')).toMatchObject([{ reason: 'agent_ended' }]);
    expect(gw.events.ofType('call.ended')).toMatchObject([{ reason: 'agent_ended', durationSeconds: 7 }]);
  });

  it('maps every terminal status and ignores progress', async () => {
    const mapped: Array<[string, string]> = [];
    for (const [status, reason] of [
      ['busy', 'busy'],
      ['failed', 'failed'],
      ['no-answer', 'no_answer'],
    ]) {
      const sid = await answeredCall();
      await gw.app.http.inject(signedPost(STATUS, callStatus(sid, status as string)));
      const ended = gw.events.ofType('call.ended').find((event) => event.callSid === sid);
      mapped.push([status as string, ended?.reason ?? '']);
      expect(ended?.reason).toBe(reason);
    }
    const sid = await answeredCall();
    const progress = await gw.app.http.inject(signedPost(STATUS, callStatus(sid, 'in-progress')));
    expect(progress.statusCode).toBe(204);
    expect(gw.events.ofType('call.ended').some((event) => event.callSid === sid)).toBe(false);
    expect(await gw.streams.read(sid)).toBeUndefined();
    expect(gw.app.liveCalls.get(sid)).toBeDefined();
  });

  it('accepts stream status callbacks, and still publishes the end when NATS KV is down', async () => {
    const sid = await answeredCall();
    const stream = await gw.app.http.inject(
      signedPost(STATUS, {
        AccountSid: TEST_ACCOUNT_SID,
        CallSid: sid,
        StreamSid: `MZ${'2'.repeat(32)}`,
        StreamEvent: 'stream-error',
        StreamError: 'connection refused',
      }),
    );
    expect(stream.statusCode).toBe(204);

    gw.streams.failing = true;
    const ended = await gw.app.http.inject(signedPost(STATUS, callStatus(sid, 'completed')));
    expect(ended.statusCode).toBe(204);
    expect(gw.events.ofType('call.ended')).toMatchObject([{ callSid: sid, reason: 'caller_hangup' }]);
  });

  it('refuses forged callbacks and unexpected parameters', async () => {
    const sid = await answeredCall();
    const forged = await gw.app.http.inject(signedPost(STATUS, callStatus(sid, 'completed'), 'Zm9yZ2Vk'));
    const invalid = await gw.app.http.inject(signedPost(STATUS, callStatus(sid, 'exploded')));
    expect([forged.statusCode, invalid.statusCode]).toEqual([403, 400]);
    expect(await gw.streams.read(sid)).toBeUndefined();
    expect(gw.events.ofType('call.ended')).toHaveLength(0);
  });
});
