import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `calls(sid).update(...)` as the fake received it. */
export interface CallUpdate {
  accountSid: string;
  callSid: string;
  /** `Twiml` form field: what the call does next (transfer, hold, goodbye). */
  twiml?: string;
  /** `Status` form field: `completed` hangs up, `canceled` cancels a ringing call. */
  status?: string;
  url?: string;
  receivedAt: number;
}

/** A request the fake refused (an injected failure, a 429, a call already over). */
export interface RejectedRequest {
  callSid: string | undefined;
  status: number;
  code: number;
  at: number;
}

/** An injected failure: the HTTP status, Twilio's error code, and a `Retry-After` (s) if any. */
interface Failure {
  status: number;
  code: number;
  message: string;
  retryAfterSeconds?: number;
}

export interface FakeTwilioRestApiOptions {
  accountSid: string;
  authToken: string;
}

/**
 * A stand-in for Twilio's Calls REST API that the official `twilio` client is pointed at
 * (`TWILIO_API_BASE_URL`). It checks Basic auth, records every update, answers with a Call
 * resource as Twilio does, and can be told to fail (5xx, or 429 "Too Many Requests") to
 * exercise retries. Errors carry Twilio's JSON body `{ code, message, more_info, status }`
 * (the shape the SDK's `RestException` reads: node_modules/twilio/lib/base/RestException.js).
 * Emits `update` (CallUpdate) so a caller simulator can follow what happens to its call; an
 * update with `Twiml`/`Url` replaces the call's TwiML at once (PROTOCOLS.md, corrections of
 * 2026-12-02: the stream gets `stop` and its unplayed audio is never heard).
 */
export class FakeTwilioRestApi extends EventEmitter {
  readonly updates: CallUpdate[] = [];
  /** Requests answered with an error, in order. */
  readonly rejected: RejectedRequest[] = [];
  private readonly statuses = new Map<string, string>();
  private failures: Failure[] = [];
  private server: Server | undefined;
  private url = '';

  constructor(private readonly options: FakeTwilioRestApiOptions) {
    super();
  }

  /** Base URL to give the client (`TWILIO_API_BASE_URL`). */
  get baseUrl(): string {
    return this.url;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** The next `count` requests fail with this HTTP status (e.g. 503) and Twilio's error body. */
  failNext(count: number, status = 503, code = 20500): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, code, message: 'Service unavailable' });
  }

  /**
   * The next `count` requests answer 429 with error 20429, as Twilio does when an account sends
   * too many concurrent requests; such a request "is never processed and is always safe to
   * retry" (https://www.twilio.com/docs/errors/20429). Twilio documents no `Retry-After` for
   * it; `retryAfterSeconds` adds one, for clients that must honour it when present (RFC 9110).
   */
  rateLimitNext(count: number, options: { retryAfterSeconds?: number } = {}): void {
    for (let i = 0; i < count; i++) {
      this.failures.push({ status: 429, code: 20429, message: 'Too Many Requests', ...options });
    }
  }

  /** Marks a call as ended, so further updates answer 404 / 21220 as Twilio does. */
  endCall(callSid: string): void {
    this.statuses.set(callSid, 'completed');
  }

  statusOf(callSid: string): string | undefined {
    return this.statuses.get(callSid);
  }

  updatesFor(callSid: string): CallUpdate[] {
    return this.updates.filter((u) => u.callSid === callSid);
  }

  /** Resolves with the first update (already received or future) that matches. */
  waitForUpdate(predicate: (update: CallUpdate) => boolean, timeoutMs = 10_000): Promise<CallUpdate> {
    const existing = this.updates.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('update', listener);
        reject(
          new Error(`no matching Twilio call update within ${timeoutMs} ms (saw ${this.updates.length})`),
        );
      }, timeoutMs);
      const listener = (update: CallUpdate) => {
        if (!predicate(update)) return;
        clearTimeout(timer);
        this.off('update', listener);
        resolve(update);
      };
      this.on('update', listener);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(
      (req.url ?? '').split('?')[0] ?? '',
    );
    const reject = (failure: Failure) => {
      this.rejected.push({ callSid: match?.[2], status: failure.status, code: failure.code, at: Date.now() });
      sendError(res, failure);
    };
    if (!this.authorised(req)) return reject({ status: 401, code: 20003, message: 'Authenticate' });
    const failure = this.failures.shift();
    if (failure) return reject(failure);
    const notFound = { status: 404, code: 20404, message: 'The requested resource was not found' };
    if (!match) return reject(notFound);
    const [, accountSid = '', callSid = ''] = match;
    if (accountSid !== this.options.accountSid) return reject(notFound);

    if (req.method === 'GET') return send(res, 200, this.callResource(accountSid, callSid));
    if (req.method !== 'POST') return reject({ status: 405, code: 20004, message: 'Method not allowed' });

    if (this.statuses.get(callSid) === 'completed') {
      return reject({ status: 400, code: 21220, message: 'Call is not in-progress. Cannot redirect.' });
    }
    const form = new URLSearchParams(body);
    const update: CallUpdate = { accountSid, callSid, receivedAt: Date.now() };
    const twiml = form.get('Twiml');
    const status = form.get('Status');
    const url = form.get('Url');
    if (twiml !== null) update.twiml = twiml;
    if (status !== null) update.status = status;
    if (url !== null) update.url = url;
    if (status === 'completed' || status === 'canceled') this.statuses.set(callSid, 'completed');
    else if (!this.statuses.has(callSid)) this.statuses.set(callSid, 'in-progress');
    this.updates.push(update);
    this.emit('update', update);
    return send(res, 200, this.callResource(accountSid, callSid));
  }

  private authorised(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private callResource(accountSid: string, callSid: string) {
    return {
      sid: callSid,
      account_sid: accountSid,
      status: this.statuses.get(callSid) ?? 'in-progress',
      direction: 'inbound',
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json`,
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Twilio's REST error body (https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions). */
function sendError(res: ServerResponse, { status, code, message, retryAfterSeconds }: Failure): void {
  const body = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  send(res, status, body, headers);
}
