import { migrationsFolder } from '@voice/shared/db';
import {
  FRAME_BYTES,
  findConnectStream,
  parseTwiml,
  randomSid,
  StreamRejectedError,
  TwilioMediaStream,
} from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { issueStreamToken } from '../src/stream/stream-token.js';
import { CALLER_MESSAGES } from '../src/twiml/answer.js';
import { readCallEvents } from './support/call-events.js';
import {
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  TEST_TOKEN_SECRET,
} from './support/config.js';
import { useGatewayWithBridge } from './support/gateway-with-bridge.js';
import { counterValue } from './support/real-gateway.js';

const MAX_BAD_FRAMES = 5;
const MAX_FRAME_BYTES = 8_192;

/** `count` distinct 20 ms frames: frame i is filled with byte `first + i` (never mu-law silence). */
function distinctFrames(count: number, first: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(FRAME_BYTES, first + i));
}

describe('the media stream on real NATS and Postgres', () => {
  const infra = useTestInfra({ migrationsFolder });
  const h = useGatewayWithBridge(infra, {
    MAX_BAD_FRAMES: String(MAX_BAD_FRAMES),
    MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
  });
  const connectedCall = () => h.connectedCall();

  /** Both NATS connections have flushed: anything the gateway published has reached the h.bridge. */
  async function settled(): Promise<void> {
    await h.gateway.nc.flush();
    await h.bridgeNc.flush();
  }

  it('relays caller audio to the bridge and agent audio to the caller, in order, both ways', async () => {
    const { call, claim } = await connectedCall();
    expect(claim.controls[0]).toEqual({ type: 'start', streamSid: call.stream?.streamSid });

    const spoken = distinctFrames(10, 0x10);
    await call.say(Buffer.concat(spoken));
    const payloads = spoken.map((frame) => frame.toString('base64'));
    await claim.waitFor(() => claim.audio.includes(payloads[9] as string), 'the last spoken frame');
    const first = claim.audio.indexOf(payloads[0] as string);
    expect(claim.audio.slice(first, first + 10)).toEqual(payloads);

    const reply = distinctFrames(10, 0x40);
    for (const frame of reply) claim.sendAudio(frame.toString('base64'));
    claim.sendControl({ type: 'mark', name: 'reply-1' });
    await claim.waitFor(
      () => claim.controls.some((c) => c.type === 'mark' && c.name === 'reply-1'),
      'the echo of mark reply-1',
    );
    expect(call.heardAudio().equals(Buffer.concat(reply))).toBe(true);
    const events = new Set(call.received.map((entry) => entry.message.event));
    expect([...events].sort()).toEqual(['mark', 'media']);
    expect(call.stream?.protocolErrors).toEqual([]);
    expect(
      await counterValue(h.gateway.metrics.frames, { direction: 'out', kind: 'media' }),
    ).toBeGreaterThanOrEqual(10);
  });

  it('round-trips clear and marks: unplayed audio is dropped and pending marks come back at once', async () => {
    const { call, claim } = await connectedCall();
    for (let chunk = 0; chunk < 15; chunk++) {
      claim.sendAudio(Buffer.alloc(FRAME_BYTES * 10, 0x20 + chunk).toString('base64'));
      claim.sendControl({ type: 'mark', name: `chunk-${chunk}` });
    }
    await call.waitFor(() => call.heardAudio().length >= FRAME_BYTES * 20, { description: '400 ms heard' });
    const markEchoes = () => claim.controls.filter((c) => c.type === 'mark').length;
    expect(markEchoes()).toBeLessThan(15);
    const clearSentAt = performance.now();
    claim.sendControl({ type: 'clear' });
    await claim.waitFor(() => markEchoes() === 15, 'every pending mark echoed');
    expect(performance.now() - clearSentAt).toBeLessThan(1_000);

    const clear = await call.waitForMessage('clear');
    const lastMedia = call.received.filter((entry) => entry.message.event === 'media').at(-1);
    expect(clear.at).toBeGreaterThan(lastMedia?.at ?? 0);
    expect(call.heardAudio().length).toBeLessThan(FRAME_BYTES * 100);
    expect(call.stream?.pendingPlaybackBytes).toBe(0);
  });

  it('passes DTMF to the bridge and records it as a call event', async () => {
    const { call, claim } = await connectedCall();
    call.sendDtmf('5');
    expect(await claim.waitForControl('dtmf')).toEqual({ type: 'dtmf', digit: '5' });
    await expect
      .poll(async () => (await readCallEvents(h.gateway.nc, call.callSid)).some((e) => e.type === 'dtmf'))
      .toBe(true);
  });

  it('refuses an upgrade without Twilio’s signature with 403, before any socket exists', async () => {
    const call = await h.gateway.call({ forge: { upgradeSignature: 'c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ==' } });
    h.place(call);
    expect(call.streamError).toBeInstanceOf(StreamRejectedError);
    expect((call.streamError as StreamRejectedError).status).toBe(403);
    await expect(call.ended).resolves.toMatchObject({ spoken: [CALLER_MESSAGES.bridgeFailed] });
    const claim = await h.bridge.claimOf(call.callSid);
    await settled();
    expect(claim.audio).toEqual([]);
    expect(claim.controls.some((c) => c.type === 'start')).toBe(false);
    expect(await counterValue(h.gateway.metrics.streams, { outcome: 'forbidden' })).toBe(1);
  });

  it.each([
    ['a missing token', () => ({})],
    ['a garbage token', () => ({ token: 'v1.Z2FyYmFnZQ.c2ln' })],
    [
      'an expired token',
      (callSid: string) => ({
        token: issueStreamToken(TEST_TOKEN_SECRET, {
          callSid,
          claimId: 'expired-claim',
          bridgeId: 'b',
          expiresAt: Date.now() - 1,
        }),
      }),
    ],
    [
      "another call's token",
      () => ({
        token: issueStreamToken(TEST_TOKEN_SECRET, {
          callSid: randomSid('CA'),
          claimId: 'other-claim',
          bridgeId: 'b',
          expiresAt: Date.now() + 60_000,
        }),
      }),
    ],
    [
      'a token signed with another secret',
      (callSid: string) => ({
        token: issueStreamToken('not-the-gateway-secret', {
          callSid,
          claimId: 'c-123456',
          bridgeId: 'b',
          expiresAt: Date.now() + 60_000,
        }),
      }),
    ],
  ])('closes the stream with 1008 for %s, before any audio reaches the bridge', async (_name, parameters) => {
    const callSid = randomSid('CA');
    const call = await h.gateway.call({ callSid, forge: { customParameters: parameters(callSid) } });
    h.place(call);
    const close = await call.stream?.closed;
    expect(close).toMatchObject({ code: 1008, by: 'gateway' });
    await expect(call.ended).resolves.toMatchObject({ spoken: [CALLER_MESSAGES.bridgeFailed] });
    const claim = await h.bridge.claimOf(callSid);
    await settled();
    expect(claim.audio).toEqual([]);
    expect(claim.controls.some((c) => c.type === 'start')).toBe(false);
  });

  it('closes a replayed stream with 1008 and keeps the first one going', async () => {
    const { call, claim } = await connectedCall();
    const parameters = findConnectStream(parseTwiml(call.webhook.body))?.parameters ?? {};
    const replay = await TwilioMediaStream.open({
      url: `${h.gateway.url.replace('http', 'ws')}/voice/stream`,
      signedUrl: `${TEST_PUBLIC_BASE_URL.replace('https', 'wss')}/voice/stream`,
      authToken: TEST_AUTH_TOKEN,
      accountSid: TEST_ACCOUNT_SID,
      callSid: call.callSid,
      customParameters: parameters,
    });
    await expect(replay.closed).resolves.toMatchObject({ code: 1008, reason: 'replayed' });
    const starts = claim.controls.filter((c) => c.type === 'start');
    expect(starts).toEqual([{ type: 'start', streamSid: call.stream?.streamSid }]);

    const before = claim.audio.length;
    await claim.waitFor(() => claim.audio.length > before + 5, 'more audio from the first stream');
    expect(call.stream?.isOpen).toBe(true);
  });

  it('counts and drops malformed and binary frames, and closes the stream on a storm of them', async () => {
    const { call, claim } = await connectedCall();
    const stream = call.stream as TwilioMediaStream;
    stream.sendRaw('{not json');
    stream.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    stream.sendRaw(JSON.stringify({ event: 'media', streamSid: stream.streamSid, media: { payload: '!!' } }));
    stream.sendRaw(JSON.stringify({ event: 'teleport', streamSid: stream.streamSid }));
    await expect
      .poll(() => counterValue(h.gateway.metrics.framesDropped, { reason: 'schema' }))
      .toBeGreaterThanOrEqual(2);
    expect(
      await counterValue(h.gateway.metrics.framesDropped, { reason: 'invalid_json' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await counterValue(h.gateway.metrics.framesDropped, { reason: 'binary' })).toBeGreaterThanOrEqual(
      1,
    );

    const before = claim.audio.length;
    await claim.waitFor(() => claim.audio.length > before + 3, 'audio after the bad frames');
    expect(stream.isOpen).toBe(true);

    for (let i = 0; i < MAX_BAD_FRAMES; i++) stream.sendRaw(`garbage ${i}`);
    await expect(stream.closed).resolves.toMatchObject({ code: 1008, reason: 'bad_frames' });
    expect(await claim.waitForControl('stop')).toEqual({ type: 'stop', reason: 'stream_closed' });
  });

  it('closes the stream with 1009 when a frame is larger than MAX_FRAME_BYTES', async () => {
    const { call, claim } = await connectedCall();
    const stream = call.stream as TwilioMediaStream;
    stream.sendRaw(JSON.stringify({ event: 'media', padding: 'x'.repeat(MAX_FRAME_BYTES * 2) }));
    await expect(stream.closed).resolves.toMatchObject({ code: 1009, by: 'gateway' });
    expect(await counterValue(h.gateway.metrics.framesDropped, { reason: 'oversized' })).toBe(1);
    await claim.waitForControl('stop');
  });
});
