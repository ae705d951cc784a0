import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { type ApiError, invalidRequest, rateLimitExceeded } from './api-error.js';
import { FakeRealtimeSession } from './fake-session.js';
import type { ResponsePacing } from './response-run.js';
import { type FakeRealtimeScript, ScriptPlayer } from './script.js';
import type { FakeRealtimeHooks, SessionHost } from './session-host.js';
import { REALTIME_VOICES } from './session-schema.js';
import { generateTestCertificate } from './tls.js';
import { DEFAULT_VAD } from './vad.js';

export interface FakeRealtimeServerOptions extends FakeRealtimeHooks {
  /** What the fake says and calls (see `FakeRealtimeScript`); changeable later with `setScript`. */
  script?: FakeRealtimeScript;
  /** The only API key accepted (`Authorization: Bearer …`). Default `sk-fake-realtime`. */
  apiKey?: string;
  /** Agent audio production speed as a multiple of real time. Default 4 (the real API is faster than playback too). */
  audioPace?: number;
  /** Milliseconds of audio per `response.output_audio.delta`, on average. Default 100. */
  audioChunkMs?: number;
  /** How much delta sizes vary around `audioChunkMs` (0 to 1). Default 0.5, as the real deltas vary. */
  audioChunkJitter?: number;
  /** Delay of each input transcription after its commit. Default 300 ms: after `response.created`. */
  transcriptionDelayMs?: number;
  /** Length of generated speech per character of the line. Default 55 ms (about 15 characters a second). */
  speechMsPerChar?: number;
  /** Delay before a response's first output item ("time to first audio"). Default 0. */
  firstOutputDelayMs?: number;
  /** Continuous loud audio needed before `speech_started`. Default 40 ms. */
  minSpeechMs?: number;
  /**
   * Agent audio is paced on a drift-corrected clock (`audioPace` times real time); this many
   * milliseconds of it are sent at once when a line starts, as the real API bursts ahead of
   * playback. Default 0.
   */
  audioLeadMs?: number;
  /**
   * How long a session lasts before the server ends it with `session_expired` and a close.
   * Default 60 minutes, the GA limit (PROTOCOLS.md, corrections); a test shrinks it.
   */
  maxSessionMs?: number;
  /**
   * The voices this deployment accepts (default: every voice the SDK lists). Deployments have
   * refused listed voices (Azure-Samples/aoai-realtime-audio-sdk#94); a test narrows the list
   * to make the API refuse a profile the product's own check accepts.
   */
  voices?: readonly string[];
}

/** One WebSocket upgrade attempt, accepted or not (for assertions on auth and headers). */
export interface UpgradeAttempt {
  at: number;
  path: string;
  model: string | null;
  authorization: string | undefined;
  openaiBeta: string | undefined;
  outcome: 'accepted' | 'unauthorized' | 'not_found' | 'bad_request' | 'refused';
}

const DEFAULT_API_KEY = 'sk-fake-realtime';
const REALTIME_PATH = '/v1/realtime';
const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_TRANSCRIPTION_DELAY_MS = 300;
const GA_MAX_SESSION_MS = 60 * 60_000;

/**
 * A local stand-in for the OpenAI Realtime API (GA protocol) for tests, the demo and
 * benchmarks. It serves HTTPS/WSS on 127.0.0.1 with a throw-away certificate at the URL the
 * `openai` SDK builds from `baseURL`, checks the API key, and answers from a script: server VAD
 * from the energy of mu-law frames, audio deltas with transcripts, scripted function calls,
 * truncate and cancel as the API does them. Faults on command; everything recorded.
 *
 * ```ts
 * const fake = await FakeRealtimeServer.start({ script: { callerTranscripts: ['I need a cleaning'] } });
 * const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseURL });
 * const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: fake.caPem } }, client);
 * ```
 */
export class FakeRealtimeServer {
  /** Every session ever opened, oldest first. */
  readonly sessions: FakeRealtimeSession[] = [];
  readonly upgrades: UpgradeAttempt[] = [];
  private readonly player: ScriptPlayer;
  private readonly waiters = new Set<() => void>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private pendingDelayMs = 0;
  private readonly rejections: ApiError[] = [];
  private refusals: number[] = [];
  private caFile: string | undefined;

  private constructor(
    private readonly server: Server,
    readonly caPem: string,
    readonly apiKey: string,
    private readonly options: FakeRealtimeServerOptions,
  ) {
    this.player = new ScriptPlayer(options.script);
  }

  static async start(options: FakeRealtimeServerOptions = {}): Promise<FakeRealtimeServer> {
    const certificate = await generateTestCertificate();
    const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error' } }));
    });
    const fake = new FakeRealtimeServer(
      server,
      certificate.certPem,
      options.apiKey ?? DEFAULT_API_KEY,
      options,
    );
    server.on('upgrade', (req, socket, head) =>
      fake.onUpgrade(req.url ?? '/', req.headers, socket, head, req),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What to give the SDK as `baseURL` (it turns it into `wss://127.0.0.1:PORT/v1/realtime?model=…`). */
  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Sessions whose socket is still open. */
  get liveSessions(): FakeRealtimeSession[] {
    return this.sessions.filter((s) => s.closed === undefined);
  }

  /** The certificate as a PEM file (for `OPENAI_EXTRA_CA_FILE`); removed by `stop()`. */
  async writeCaFile(directory = tmpdir()): Promise<string> {
    if (this.caFile) return this.caFile;
    const path = join(directory, `fake-openai-ca-${randomBytes(6).toString('hex')}.pem`);
    await writeFile(path, this.caPem, { mode: 0o600 });
    this.caFile = path;
    return path;
  }

  /** Replaces the script for every session (the caller transcript position and rule counts restart). */
  setScript(script: FakeRealtimeScript): void {
    this.player.set(script);
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every event in or out. */
  waitFor<T>(
    probe: () => T | undefined | false | null,
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'a condition',
  ): Promise<T> {
    const first = probe();
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        try {
          const value = probe();
          if (!value) return;
          finish();
          resolve(value);
        } catch (error) {
          finish();
          reject(error);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`FakeRealtimeServer: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** The `index`-th session ever opened (0 = first), once it exists. */
  waitForSession(index = 0, timeoutMs = DEFAULT_WAIT_MS): Promise<FakeRealtimeSession> {
    return this.waitFor(() => this.sessions[index], timeoutMs, `session #${index}`);
  }

  // ---- faults on every live session -------------------------------------------------------

  dropSockets(): void {
    for (const session of this.liveSessions) session.dropSocket();
  }

  sendError(...args: Parameters<FakeRealtimeSession['sendError']>): void {
    for (const session of this.liveSessions) session.sendError(...args);
  }

  sendMalformed(): void {
    for (const session of this.liveSessions) session.sendMalformed();
  }

  rateLimit(): void {
    for (const session of this.liveSessions) session.rateLimit();
  }

  /** The next response of any session waits this much longer before its first output. */
  delayNextResponse(ms: number): void {
    this.pendingDelayMs += ms;
  }

  /**
   * The next `count` `response.create` requests (of any session) are refused with `error`
   * instead of answered (default: the API's rate-limit error), with the request's `event_id`.
   */
  rejectResponses(count: number, error: ApiError = rateLimitExceeded()): void {
    for (let i = 0; i < count; i++) this.rejections.push(error);
  }

  /** The next `count` upgrade requests are answered with this HTTP status (an outage). */
  refuseConnections(count: number, status = 503): void {
    for (let i = 0; i < count; i++) this.refusals.push(status);
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.caFile) await rm(this.caFile, { force: true });
  }

  private host(): SessionHost {
    return {
      hooks: this.options,
      script: this.player,
      minSpeechMs: this.options.minSpeechMs ?? DEFAULT_VAD.minSpeechMs,
      transcriptionDelayMs: this.options.transcriptionDelayMs ?? DEFAULT_TRANSCRIPTION_DELAY_MS,
      maxSessionMs: this.options.maxSessionMs ?? GA_MAX_SESSION_MS,
      voices: this.options.voices ?? REALTIME_VOICES,
      pacing: () => this.pacing(),
      takeResponseDelay: () => {
        const delay = this.pendingDelayMs;
        this.pendingDelayMs = 0;
        return delay;
      },
      takeResponseRejection: () => this.rejections.shift(),
      notify: () => {
        for (const waiter of [...this.waiters]) waiter();
      },
      waitFor: (probe, timeoutMs, what) => this.waitFor(probe, timeoutMs, what),
    };
  }

  private pacing(): ResponsePacing {
    return {
      audioPace: this.options.audioPace ?? 4,
      audioChunkMs: this.options.audioChunkMs ?? 100,
      audioChunkJitter: this.options.audioChunkJitter ?? 0.5,
      speechMsPerChar: this.options.speechMsPerChar ?? 55,
      firstOutputDelayMs: this.options.firstOutputDelayMs ?? 0,
      ...(this.options.audioLeadMs === undefined ? {} : { audioLeadMs: this.options.audioLeadMs }),
    };
  }

  /** Why an upgrade is refused (an injected outage, wrong path, key or model), if it is. */
  private rejectionFor(
    path: string,
    authorization: string | undefined,
    model: string | null,
  ): Rejection | undefined {
    const refusal = this.refusals.shift();
    if (refusal !== undefined) {
      return { outcome: 'refused', status: refusal, message: 'The server is temporarily unavailable.' };
    }
    if (path !== REALTIME_PATH) return { outcome: 'not_found', status: 404, message: `Unknown path ${path}` };
    if (authorization !== `Bearer ${this.apiKey}`) {
      return { outcome: 'unauthorized', status: 401, message: 'Incorrect API key provided.' };
    }
    if (!model)
      return { outcome: 'bad_request', status: 400, message: "Missing required parameter: 'model'." };
    return undefined;
  }

  private onUpgrade(
    rawUrl: string,
    headers: Record<string, string | string[] | undefined>,
    socket: Duplex,
    head: Buffer,
    request: Parameters<WebSocketServer['handleUpgrade']>[0],
  ): void {
    const url = new URL(rawUrl, 'https://127.0.0.1');
    const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
    const openaiBeta = typeof headers['openai-beta'] === 'string' ? headers['openai-beta'] : undefined;
    const model = url.searchParams.get('model');
    const attempt = (outcome: UpgradeAttempt['outcome']) =>
      this.upgrades.push({
        at: performance.now(),
        path: url.pathname,
        model,
        authorization,
        openaiBeta,
        outcome,
      });

    const rejection = this.rejectionFor(url.pathname, authorization, model);
    if (rejection || model === null) {
      attempt(rejection?.outcome ?? 'bad_request');
      rejectUpgrade(socket, rejection?.status ?? 400, rejection?.message ?? 'Missing model.');
      return;
    }
    attempt('accepted');
    this.wss.handleUpgrade(request, socket as Socket, head, (ws) => {
      if (openaiBeta) {
        const error = invalidRequest(
          'beta_not_supported',
          'This endpoint serves the GA Realtime API; remove the OpenAI-Beta header.',
        );
        ws.send(
          JSON.stringify({ type: 'error', event_id: `event_${randomBytes(6).toString('hex')}`, error }),
        );
        ws.close(1008, 'beta protocol not supported');
        return;
      }
      this.sessions.push(new FakeRealtimeSession(ws, this.host(), model));

      this.host().notify();
    });
  }
}

interface Rejection {
  outcome: Exclude<UpgradeAttempt['outcome'], 'accepted'>;
  status: number;
  message: string;
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  const body = JSON.stringify({ error: { type, message, code: null, param: null } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
