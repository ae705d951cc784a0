import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeCall } from './simulator.js';

const ACCOUNT = `AC${'b'.repeat(32)}`;
const AUTH_TOKEN = 'webhook-delivery-test-auth-token';
const PUBLIC = 'https://voice.example.com';

interface Received {
  path: string;
  body: string;
  token: string | undefined;
  signature: string | undefined;
}

/** A gateway instance behind Twilio's load balancer: records what reached it, answers as told. */
class Instance {
  readonly received: Received[] = [];
  /** How the voice webhook is answered (status and a `<Say>`), after `hold` resolves. */
  answer = { status: 200, say: '' };
  hold: Promise<unknown> = Promise.resolve();
  url = '';
  private readonly server: Server = createServer((req, res) => void this.onRequest(req, res));
  private arrived: () => void = () => {};
  readonly firstArrival = new Promise<void>((resolve) => {
    this.arrived = resolve;
  });

  constructor(readonly name: string) {
    this.answer.say = `answered by ${name}`;
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  voiceWebhooks(): Received[] {
    return this.received.filter((r) => r.path === '/voice/inbound');
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const header = (name: string) => req.headers[name] as string | undefined;
    this.received.push({
      path: req.url ?? '',
      body,
      token: header('i-twilio-idempotency-token'),
      signature: header('x-twilio-signature'),
    });
    if (req.url !== '/voice/inbound') return void res.end();
    this.arrived();
    await this.hold;
    res.writeHead(this.answer.status, { 'content-type': 'text/xml' });
    res.end(`<Response><Say>${this.answer.say}</Say><Hangup/></Response>`);
  }
}

describe('webhook delivery: idempotency tokens and retries', () => {
  let a: Instance;
  let b: Instance;
  beforeEach(async () => {
    a = await new Instance('A').start();
    b = await new Instance('B').start();
  });
  afterEach(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  const call = (extra: Partial<Parameters<typeof placeCall>[0]> = {}) =>
    placeCall({
      gatewayUrl: a.url,
      publicBaseUrl: PUBLIC,
      accountSid: ACCOUNT,
      authToken: AUTH_TOKEN,
      from: '+15550100001',
      to: '+15550001000',
      ...extra,
    });

  it('sends a token on every webhook and status callback, a fresh one for each', async () => {
    const first = await call();
    const second = await call();
    await Promise.all([first.ended, second.ended]);

    const tokens = a.received.map((r) => r.token);
    expect(a.received.map((r) => r.path)).toEqual([
      '/voice/inbound',
      '/voice/status',
      '/voice/inbound',
      '/voice/status',
    ]);
    expect(tokens.every((token) => typeof token === 'string' && token.length > 0)).toBe(true);
    expect(new Set(tokens).size).toBe(4);
    expect(first.webhookAttempts).toHaveLength(1);
  });

  it('retries a webhook whose answer was lost to another instance, byte for byte, and takes its answer', async () => {
    const simulated = await call({ webhookRetry: { after: 'lost', to: b.url } });
    const end = await simulated.ended;

    const [original] = a.voiceWebhooks();
    const [retry] = b.voiceWebhooks();
    expect(retry).toEqual({ ...original });
    expect(retry?.token).toBe(simulated.webhookToken);
    expect(simulated.webhookAttempts.map((attempt) => [attempt.gatewayUrl, attempt.failed])).toEqual([
      [a.url, 'lost'],
      [b.url, undefined],
    ]);
    expect(end.spoken).toEqual(['answered by B']);
  });

  it('retries after the read timeout while the first attempt is still running, and drops its late answer', async () => {
    let release: () => void = () => {};
    a.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    void b.firstArrival.then(() => release());
    const simulated = await call({ webhookRetry: { after: 'timeout', to: b.url, readTimeoutMs: 100 } });
    const end = await simulated.ended;

    expect(simulated.webhookAttempts.map((attempt) => attempt.failed)).toEqual(['timeout', undefined]);
    expect(b.voiceWebhooks()[0]?.token).toBe(a.voiceWebhooks()[0]?.token);
    expect(end.spoken).toEqual(['answered by B']);
  });

  it('retries a 5xx answer, and takes any other answer without a retry', async () => {
    a.answer.status = 503;
    const retried = await call({ webhookRetry: { after: '5xx', to: b.url } });
    expect((await retried.ended).spoken).toEqual(['answered by B']);

    a.answer.status = 200;
    const taken = await call({ webhookRetry: { after: '5xx', to: b.url } });
    expect((await taken.ended).spoken).toEqual(['answered by A']);
    expect(b.voiceWebhooks()).toHaveLength(1);
  });

  it('refuses a read timeout outside the bounds Twilio documents for #rt', async () => {
    await expect(call({ webhookRetry: { after: 'timeout', readTimeoutMs: 50 } })).rejects.toThrow(
      /readTimeoutMs must be within 100/,
    );
  });
});
