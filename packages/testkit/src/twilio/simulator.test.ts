import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { MULAW_SILENCE } from '../audio/mulaw.js';
import { FakeTwilioRestApi } from './fake-rest-api.js';
import { FRAME_BYTES, mulawTone } from './mulaw.js';
import { placeCall, type SimulatedCall } from './simulator.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const AUTH_TOKEN = 'simulator-test-auth-token';
const PUBLIC = 'https://voice.example.com';

interface Message {
  event: string;
  [key: string]: unknown;
}

/**
 * A tiny stand-in gateway: validates every signature with the official `twilio` SDK against
 * the public URL, answers connect TwiML, and hands each media socket to the test.
 */
class TinyGateway {
  readonly posts: Array<{ path: string; params: Record<string, string>; valid: boolean }> = [];
  readonly upgrades: Array<{ valid: boolean }> = [];
  readonly sockets: Array<{ socket: WebSocket; messages: Array<{ at: number; message: Message }> }> = [];
  twiml = '';
  private readonly server: Server = createServer((req, res) => void this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  url = '';

  async start(): Promise<void> {
    this.server.on('upgrade', (req, socket, head) => {
      const valid = twilio.validateRequest(
        AUTH_TOKEN,
        String(req.headers['x-twilio-signature'] ?? ''),
        `${PUBLIC.replace('https', 'wss')}/voice/stream`,
        {},
      );
      this.upgrades.push({ valid });
      if (!valid) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const entry = { socket: ws, messages: [] as Array<{ at: number; message: Message }> };
        ws.on('message', (data) =>
          entry.messages.push({ at: performance.now(), message: JSON.parse(String(data)) }),
        );
        this.sockets.push(entry);
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  connectTwiml(token = 'tok-123'): string {
    const response = new twilio.twiml.VoiceResponse();
    response
      .connect()
      .stream({
        url: `${PUBLIC.replace('https', 'wss')}/voice/stream`,
        statusCallback: `${PUBLIC}/voice/status`,
      })
      .parameter({ name: 'token', value: token });
    response.say('Sorry, something went wrong.');
    response.hangup();
    return response.toString();
  }

  private async onRequest(req: IncomingMessage, res: import('node:http').ServerResponse) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const params = Object.fromEntries(new URLSearchParams(body));
    const path = req.url ?? '';
    const valid = twilio.validateRequest(
      AUTH_TOKEN,
      String(req.headers['x-twilio-signature'] ?? ''),
      `${PUBLIC}${path}`,
      params,
    );
    this.posts.push({ path, params, valid });
    if (!valid) {
      res.writeHead(403).end();
      return;
    }
    if (path === '/voice/inbound') {
      res.writeHead(200, { 'content-type': 'text/xml' }).end(this.twiml);
      return;
    }
    res.writeHead(204).end();
  }
}

const gateway = new TinyGateway();
const rest = new FakeTwilioRestApi({ accountSid: ACCOUNT, authToken: AUTH_TOKEN });
const restClient = twilio(ACCOUNT, AUTH_TOKEN, { autoRetry: false });
const calls: SimulatedCall[] = [];

async function call(options: { authToken?: string } = {}): Promise<SimulatedCall> {
  const placed = await placeCall({
    gatewayUrl: gateway.url,
    publicBaseUrl: PUBLIC,
    accountSid: ACCOUNT,
    authToken: options.authToken ?? AUTH_TOKEN,
    from: '+15550100001',
    to: '+15550001000',
    restApi: rest,
  });
  calls.push(placed);
  return placed;
}

async function socketOf(placed: SimulatedCall) {
  await placed.waitFor(() => placed.stream !== undefined);
  await expect.poll(() => gateway.sockets.length).toBeGreaterThan(0);
  return gateway.sockets[gateway.sockets.length - 1] as TinyGateway['sockets'][number];
}

function sendMedia(socket: WebSocket, streamSid: string, bytes: Buffer) {
  socket.send(JSON.stringify({ event: 'media', streamSid, media: { payload: bytes.toString('base64') } }));
}

beforeAll(async () => {
  await gateway.start();
  await rest.start();
  restClient.api.baseUrl = rest.baseUrl;
});
afterEach(async () => {
  await Promise.all(calls.splice(0).map((placed) => placed.hangup()));
  gateway.sockets.length = 0;
  gateway.posts.length = 0;
  gateway.upgrades.length = 0;
});
afterAll(async () => {
  await gateway.stop();
  await rest.stop();
});

describe('placeCall (the Twilio caller simulator)', () => {
  it('signs the webhook, the upgrade and the callbacks exactly as twilio.validateRequest accepts', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    await socketOf(placed);
    await placed.hangup();
    expect(gateway.upgrades).toEqual([{ valid: true }]);
    expect(gateway.posts.map((post) => [post.path, post.valid])).toEqual(
      expect.arrayContaining([
        ['/voice/inbound', true],
        ['/voice/status', true],
      ]),
    );
    const webhook = gateway.posts[0]?.params;
    expect(webhook).toMatchObject({
      CallSid: placed.callSid,
      AccountSid: ACCOUNT,
      CallStatus: 'ringing',
      Direction: 'inbound',
    });
    const completed = gateway.posts.find((post) => post.params.CallStatus === 'completed');
    expect(completed?.params.CallDuration).toMatch(/^\d+$/);
  });

  it('is refused with a wrong auth token, and then posts nothing else', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call({ authToken: 'not-the-token' });
    expect(placed.webhook.status).toBe(403);
    await expect(placed.ended).resolves.toMatchObject({ reason: 'webhook_failed' });
    expect(gateway.posts).toHaveLength(1);
    expect(gateway.upgrades).toHaveLength(0);
  });

  it('sends connected, start with the custom parameters, then 20 ms frames at real-time pace', async () => {
    gateway.twiml = gateway.connectTwiml('my-token');
    const placed = await call();
    const { messages } = await socketOf(placed);
    const mediaCount = () => messages.filter((entry) => entry.message.event === 'media').length;
    await expect.poll(mediaCount, { timeout: 10_000 }).toBeGreaterThanOrEqual(51);
    const [connected, start, firstMedia] = messages.map((entry) => entry.message);
    expect(connected).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toMatchObject({
      event: 'start',
      sequenceNumber: '1',
      streamSid: placed.stream?.streamSid,
      start: {
        accountSid: ACCOUNT,
        callSid: placed.callSid,
        tracks: ['inbound'],
        customParameters: { token: 'my-token' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    expect(firstMedia).toMatchObject({
      event: 'media',
      sequenceNumber: '2',
      media: { track: 'inbound', chunk: '1', timestamp: '0' },
    });
    const media = messages.filter((entry) => entry.message.event === 'media');
    const payload = Buffer.from((media[0]!.message.media as { payload: string }).payload, 'base64');
    expect(payload).toEqual(Buffer.alloc(FRAME_BYTES, MULAW_SILENCE));
    const fiftieth = media[50] as (typeof media)[number];
    expect(fiftieth.message.media).toMatchObject({ chunk: '51', timestamp: '1000' });
    const elapsed = fiftieth.at - (media[0] as (typeof media)[number]).at;
    expect(elapsed).toBeGreaterThan(900);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('sends what the caller says, then silence again; and DTMF', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    const { messages } = await socketOf(placed);
    await placed.say(mulawTone(100));
    placed.sendDtmf('7');
    await expect.poll(() => messages.some((entry) => entry.message.event === 'dtmf')).toBe(true);
    const spoken = messages.filter(
      (entry) =>
        entry.message.event === 'media' &&
        Buffer.from((entry.message.media as { payload: string }).payload, 'base64').some(
          (byte) => byte !== MULAW_SILENCE,
        ),
    );
    expect(spoken).toHaveLength(5);
    expect(messages.find((entry) => entry.message.event === 'dtmf')?.message.dtmf).toEqual({
      track: 'inbound_track',
      digit: '7',
    });
  });

  it('echoes a mark only once the audio queued before it has played in real time', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    const { socket, messages } = await socketOf(placed);
    const streamSid = placed.stream?.streamSid as string;
    const sentAt = performance.now();
    sendMedia(socket, streamSid, mulawTone(500));
    socket.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'after-500ms' } }));
    await expect
      .poll(() => messages.some((entry) => entry.message.event === 'mark'), { timeout: 5_000 })
      .toBe(true);
    const echo = messages.find((entry) => entry.message.event === 'mark');
    expect(echo?.message).toMatchObject({ streamSid, mark: { name: 'after-500ms' } });
    expect((echo?.at as number) - sentAt).toBeGreaterThanOrEqual(460);
    expect(placed.heardAudio().equals(mulawTone(500))).toBe(true);
  });

  it('clear drops the unplayed audio and echoes pending marks at once', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    const { socket, messages } = await socketOf(placed);
    const streamSid = placed.stream?.streamSid as string;
    sendMedia(socket, streamSid, mulawTone(3_000));
    socket.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'end-of-reply' } }));
    await placed.waitFor(() => placed.heardAudio().length >= 200 * 8);
    const clearedAt = performance.now();
    socket.send(JSON.stringify({ event: 'clear', streamSid }));
    await expect.poll(() => messages.some((entry) => entry.message.event === 'mark')).toBe(true);
    const echoAt = messages.find((entry) => entry.message.event === 'mark')?.at as number;
    expect(echoAt - clearedAt).toBeLessThan(250);
    const heardBytes = placed.heardAudio().length;
    expect(heardBytes).toBeLessThan(1_500 * 8);
    const clear = placed.received.find((entry) => entry.message.event === 'clear');
    expect(clear?.at).toBeGreaterThan(0);
    expect(placed.stream?.pendingPlaybackBytes).toBe(0);
  });

  it('follows REST updates: new TwiML moves the call (a transfer), Status=completed ends it', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    await socketOf(placed);
    await restClient
      .calls(placed.callSid)
      .update({ twiml: '<Response><Dial>+15550102001</Dial></Response>' });
    await placed.waitFor(() => placed.transferred);
    expect(placed.currentTwiml).toContain('<Dial>+15550102001</Dial>');
    expect(placed.stream?.isOpen).toBe(false);
    expect(gateway.sockets[0]?.messages.at(-1)?.message).toMatchObject({
      event: 'stop',
      stop: { accountSid: ACCOUNT, callSid: placed.callSid },
    });

    await restClient.calls(placed.callSid).update({ status: 'completed' });
    await expect(placed.ended).resolves.toMatchObject({ reason: 'rest_completed' });
    expect(placed.statusCallbacks.at(-1)?.params.CallStatus).toBe('completed');
  });

  it('a TwiML update drops the agent audio not yet played: recorded as unplayed, never heard', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    const { socket } = await socketOf(placed);
    sendMedia(socket, placed.stream?.streamSid as string, mulawTone(3_000));
    await placed.waitFor(() => placed.heardAudio().length >= 200 * 8);
    await restClient
      .calls(placed.callSid)
      .update({ twiml: '<Response><Dial>+15550102001</Dial></Response>' });
    await placed.waitFor(() => placed.transferred);
    const [takeover] = placed.restTakeovers;
    expect(takeover?.update.twiml).toContain('<Dial>');
    const heardBytes = placed.heardAudio().length;
    expect(heardBytes).toBeLessThan(3_000 * 8);
    // What was heard and what was dropped make up the whole line, give or take the frame in play.
    expect(Math.abs(heardBytes + (takeover?.unplayedBytes ?? 0) - 3_000 * 8)).toBeLessThanOrEqual(
      FRAME_BYTES,
    );
  });

  it('posts stream-error with its StreamError to the stream status callback', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    await socketOf(placed);
    const answer = await placed.postStreamError('Stream - WebSocket - Connection Broken Pipe');
    expect(answer?.status).toBe(204);
    const posted = gateway.posts.find((post) => post.params.StreamEvent === 'stream-error');
    expect(posted).toMatchObject({
      path: '/voice/status',
      valid: true,
      params: {
        StreamError: 'Stream - WebSocket - Connection Broken Pipe',
        StreamSid: placed.stream?.streamSid,
      },
    });
  });

  it('runs the fallback TwiML when the gateway closes the stream', async () => {
    gateway.twiml = gateway.connectTwiml();
    const placed = await call();
    const { socket } = await socketOf(placed);
    socket.close(1000);
    await expect(placed.ended).resolves.toMatchObject({
      reason: 'twiml_hangup',
      spoken: ['Sorry, something went wrong.'],
    });
    const streamEvents = gateway.posts.map((post) => post.params.StreamEvent).filter(Boolean);
    expect(streamEvents).toEqual(['stream-started', 'stream-stopped']);
    expect(placed.statusCallbacks.map((callback) => callback.params.CallStatus)).toEqual(['completed']);
  });
});
