import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { MULAW_SAMPLE_RATE } from '../audio/mulaw.js';
import { CallerAudio } from './caller-audio.js';
import { type FrameClock, startFrameClock } from './frame-clock.js';
import { FRAME_MS } from './mulaw.js';
import { type NetworkStalls, StallingPath } from './network-stalls.js';
import { type AcceptedMessage, checkOutbound } from './outbound-check.js';
import { type HeardChunk, PlaybackBuffer } from './playback.js';
import { randomSid } from './sids.js';
import { signTwilioRequest, TWILIO_SIGNATURE_HEADER } from './signing.js';
import { type WaitOptions, waitUntil } from './wait.js';

export interface MediaStreamOptions {
  /** Where to connect: the gateway's real address, e.g. `ws://127.0.0.1:PORT/voice/stream`. */
  url: string;
  /** The stream URL exactly as written in the TwiML: Twilio signs the upgrade over it, with no parameters. */
  signedUrl: string;
  authToken: string;
  accountSid: string;
  callSid: string;
  /** Default: a new `MZ…` SID. */
  streamSid?: string;
  /** The `<Parameter>`s of the `<Stream>`: they arrive in `start.customParameters`. */
  customParameters: Record<string, string>;
  /** Sent instead of the real upgrade signature (forged-upgrade tests); `null` sends none. */
  upgradeSignature?: string | null;
  /** `performance.now()` that `at` stamps count from. Default: when the stream opens. */
  origin?: number;
  /**
   * Called with each outgoing 160-byte caller frame just before it is encoded and sent; it may
   * write into it (a benchmark stamps a sequence marker). Runs in the frame timer: must not throw.
   */
  onOutgoingFrame?: (frame: Buffer, chunk: number) => void;
  /**
   * Called with every message the gateway sends, as parsed, and the `performance.now()` at which
   * it arrived. Runs in the socket listener: must not throw.
   */
  onMessage?: (message: ReceivedMessage['message'], receivedAt: number) => void;
  /**
   * Keep the per-frame messages (`media`, and the `mark` after each chunk) in `received` and
   * played audio in `heard` (default true). A long load run turns it off to bound memory;
   * `clear` is still kept, and playback and mark echoes work the same.
   */
  recordMedia?: boolean;
  /**
   * Stalls on the path to the gateway: every message Twilio sends is held during a stall and
   * arrives in one burst after it (see `NetworkStalls`). Default none: a smooth path.
   */
  stalls?: NetworkStalls;
}

/** A message the gateway sent, with its arrival time (ms since `origin`). */
export interface ReceivedMessage {
  at: number;
  /** The parsed JSON (`event` is `media`, `mark` or `clear` from a well-behaved gateway). */
  message: { event?: unknown; [key: string]: unknown };
}

export interface StreamClose {
  code: number;
  reason: string;
  /** Who closed: the gateway, or the simulator (Twilio) after `stop`. */
  by: 'gateway' | 'twilio';
  at: number;
}

/** The gateway refused the WebSocket upgrade (e.g. 403 for a bad signature). */
export class StreamRejectedError extends Error {
  constructor(readonly status: number) {
    super(`media stream upgrade refused with HTTP ${status}`);
    this.name = 'StreamRejectedError';
  }
}

/**
 * Twilio's side of one bidirectional media stream. Opens the socket with a signed upgrade,
 * sends `connected` and `start`, then a 20 ms mu-law `media` frame at real-time pace (queued
 * caller speech, else silence), through optional network stalls that bunch them. Agent audio
 * plays out in real time; marks are echoed when the audio before them has played; `clear`
 * drops unplayed audio and echoes pending marks at once. Messages Twilio would refuse are
 * recorded in `protocolErrors` and ignored, as Twilio does. Records every message received
 * and every bit of audio heard.
 */
export class TwilioMediaStream {
  readonly streamSid: string;
  readonly received: ReceivedMessage[] = [];
  readonly heard: HeardChunk[] = [];
  /**
   * Messages Twilio would refuse (warnings 31950/31951, see `checkOutbound`): binary, not
   * JSON, an unknown event, a wrong or missing field, a misaddressed stream, a payload that is
   * not base64 raw mu-law; and audio discarded past Twilio's ten-minute buffer (31931).
   */
  readonly protocolErrors: string[] = [];
  /** Settles when the socket has closed, by either side. */
  readonly closed: Promise<StreamClose>;
  mediaFramesSent = 0;

  private readonly changes = new EventEmitter();
  private readonly caller = new CallerAudio();
  private readonly playback: PlaybackBuffer;
  private readonly path: StallingPath;
  private readonly origin: number;
  private clock: FrameClock | undefined;
  private sequence = 0;
  private warnedFullBuffer = false;
  private closeInitiator: StreamClose['by'] = 'gateway';

  private constructor(
    private readonly options: MediaStreamOptions,
    private readonly socket: WebSocket,
  ) {
    this.streamSid = options.streamSid ?? randomSid('MZ');
    this.origin = options.origin ?? performance.now();
    this.changes.setMaxListeners(0);
    this.playback = new PlaybackBuffer((name) => this.send({ event: 'mark', mark: { name } }));
    const openedAt = performance.now();
    this.path = new StallingPath(
      options.stalls,
      () => performance.now() - openedAt,
      (message) => {
        if (this.isOpen) this.socket.send(message);
      },
    );
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.clock?.stop();
        this.path.close();
        this.caller.reset();
        resolve({ code, reason: reason.toString(), by: this.closeInitiator, at: this.now() });
        this.changed();
      });
    });
    socket.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
  }

  /** Opens the stream and starts sending; rejects with `StreamRejectedError` when the upgrade is refused. */
  static open(options: MediaStreamOptions): Promise<TwilioMediaStream> {
    const signature =
      options.upgradeSignature === undefined
        ? signTwilioRequest(options.authToken, options.signedUrl, {})
        : options.upgradeSignature;
    const socket = new WebSocket(options.url, {
      headers: signature === null ? {} : { [TWILIO_SIGNATURE_HEADER]: signature },
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => {
        reject(new StreamRejectedError(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', reject);
      socket.once('open', () => {
        socket.off('error', reject);
        // Errors after the open surface as a close; they must not crash the test process.
        socket.on('error', () => {});
        const stream = new TwilioMediaStream(options, socket);
        stream.begin();
        resolve(stream);
      });
    });
  }

  /** Milliseconds since `origin`. */
  now(): number {
    return performance.now() - this.origin;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Queues caller speech (mu-law bytes or a WAV path); resolves once it has all been sent. */
  say(audio: Uint8Array | string): Promise<void> {
    return this.caller.say(audio);
  }

  sendDtmf(digit: string): void {
    this.send({ event: 'dtmf', dtmf: { track: 'inbound_track', digit } });
  }

  /** Sends anything as is (malformed, binary or oversized frames for negative tests). */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    if (this.isOpen) this.socket.send(data, { binary: options.binary ?? typeof data !== 'string' });
  }

  /** Twilio ends the stream: `stop`, then the socket closes. */
  async stop(): Promise<StreamClose> {
    if (this.isOpen) {
      this.path.flush();
      this.send({
        event: 'stop',
        stop: { accountSid: this.options.accountSid, callSid: this.options.callSid },
      });
      this.closeInitiator = 'twilio';
      this.socket.close(1000);
    }
    return this.closed;
  }

  /** Unplayed agent audio, in bytes. */
  get pendingPlaybackBytes(): number {
    return this.playback.pendingBytes;
  }

  /** Everything heard so far, concatenated (gaps of silence between responses are not included). */
  heardAudio(): Buffer {
    return Buffer.concat(this.heard.map((chunk) => chunk.bytes));
  }

  /** Messages received with this `event`, in order. */
  messages(event: string): ReceivedMessage[] {
    return this.received.filter((entry) => entry.message.event === event);
  }

  /** Calls `listener` after every message, frame played and close; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  /** Resolves once `predicate` holds, re-checked after every message, frame played and close. */
  waitFor(predicate: () => boolean, options: WaitOptions | number = {}): Promise<void> {
    return waitUntil(this.changes, predicate, options);
  }

  private begin(): void {
    this.socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.send({
      event: 'start',
      start: {
        accountSid: this.options.accountSid,
        streamSid: this.streamSid,
        callSid: this.options.callSid,
        tracks: ['inbound'],
        customParameters: this.options.customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: MULAW_SAMPLE_RATE, channels: 1 },
      },
    });
    this.clock = startFrameClock(FRAME_MS, () => this.onFrame());
  }

  private onFrame(): void {
    if (!this.isOpen) return;
    const chunk = ++this.mediaFramesSent;
    const frame = this.caller.nextFrame();
    this.options.onOutgoingFrame?.(frame, chunk);
    this.send({
      event: 'media',
      media: {
        track: 'inbound',
        chunk: String(chunk),
        timestamp: String((chunk - 1) * FRAME_MS),
        payload: frame.toString('base64'),
      },
    });
    const at = this.now();
    const played = this.playback.playFrame();
    if (played.length > 0) {
      if (this.recordMedia) this.heard.push({ at, bytes: played });
      this.changed();
    }
  }

  private get recordMedia(): boolean {
    return this.options.recordMedia !== false;
  }

  private onMessage(text: string, isBinary: boolean): void {
    const arrivedAt = performance.now();
    const at = arrivedAt - this.origin;
    const message = isBinary ? undefined : parseJson(text);
    if (message === undefined) {
      this.protocolErrors.push(isBinary ? 'binary frame (31950)' : 'invalid JSON (31951)');
    } else {
      this.options.onMessage?.(message, arrivedAt);
      if (this.recordMedia || (message.event !== 'media' && message.event !== 'mark')) {
        this.received.push({ at, message });
      }
      const verdict = checkOutbound(message, this.streamSid);
      if (verdict.ok) this.apply(verdict.message);
      else this.protocolErrors.push(verdict.error);
    }
    this.changed();
  }

  private apply(message: AcceptedMessage): void {
    switch (message.event) {
      case 'media':
        if (!this.playback.enqueueAudio(message.audio) && !this.warnedFullBuffer) {
          // Twilio sends this warning once per stream.
          this.warnedFullBuffer = true;
          this.protocolErrors.push('more than 10 minutes of audio buffered, audio discarded (31931)');
        }
        return;
      case 'mark':
        this.playback.enqueueMark(message.name);
        return;
      case 'clear':
        this.playback.clear();
        return;
    }
  }

  /** Sends a message laid out as Twilio's: event, sequence number and stream SID first. */
  private send({ event, ...body }: { event: string; [key: string]: unknown }): void {
    if (!this.isOpen) return;
    this.path.send(
      JSON.stringify({ event, sequenceNumber: String(++this.sequence), streamSid: this.streamSid, ...body }),
    );
  }

  private changed(): void {
    this.changes.emit('change');
  }
}

function parseJson(text: string): ReceivedMessage['message'] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as ReceivedMessage['message']) : undefined;
  } catch {
    return undefined;
  }
}
