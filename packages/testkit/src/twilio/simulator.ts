import { EventEmitter } from 'node:events';
import type { CallUpdate } from './fake-rest-api.js';
import {
  type MediaStreamOptions,
  type ReceivedMessage,
  type StreamClose,
  TwilioMediaStream,
} from './media-stream.js';
import type { HeardChunk } from './playback.js';
import { randomSid } from './sids.js';
import { newIdempotencyToken, postSignedForm, reachableUrl, type SignedPostResult } from './signing.js';
import {
  type ConnectStream,
  findConnectStream,
  parseTwiml,
  spokenTexts,
  type TwimlElement,
} from './twiml-reader.js';
import { type WaitOptions, waitUntil } from './wait.js';
import { writeWav } from './wav.js';
import { deliverWebhook, type WebhookAttempt } from './webhook-delivery.js';

export type {
  CallEnd,
  PlaceCallOptions,
  RestTakeover,
  SimulatedCallEndReason,
} from './call-options.js';

import type { CallEnd, PlaceCallOptions, RestTakeover, SimulatedCallEndReason } from './call-options.js';

const DEFAULT_WEBHOOK_PATH = '/voice/inbound';
const DEFAULT_STATUS_PATH = '/voice/status';
const MS_PER_SECOND = 1_000;

/**
 * One inbound call as Twilio places it: the signed voice webhook, the TwiML it answers, the
 * media stream(s) it connects, REST updates made to the call, and the signed status callbacks.
 * Create with `placeCall`.
 */
export class SimulatedCall {
  readonly callSid: string;
  /** The webhook's answer Twilio took (the last attempt's): status and TwiML. */
  webhook: SignedPostResult = { status: 0, body: '' };
  /** Every attempt of the voice webhook, in order (one unless Twilio retried). */
  readonly webhookAttempts: WebhookAttempt[] = [];
  /** The voice webhook's `I-Twilio-Idempotency-Token`: its retries carry the same one. */
  readonly webhookToken = newIdempotencyToken();
  /** The TwiML the call is on now (the webhook's, or one a REST update gave). */
  currentTwiml = '';
  /** Every media stream opened, in order; the last is the current one. */
  readonly streams: TwilioMediaStream[] = [];
  /** Why the last stream could not open (e.g. `StreamRejectedError` 403). */
  streamError: Error | undefined;
  /** A `<Dial>` (transfer) is what the call is doing now. */
  transferred = false;
  /** Status callbacks posted, with the gateway's answers. */
  readonly statusCallbacks: Array<{ params: Record<string, string>; result: SignedPostResult }> = [];
  /** REST updates that took the call off a live stream, in order. */
  readonly restTakeovers: RestTakeover[] = [];
  readonly ended: Promise<CallEnd>;

  private readonly origin = performance.now();
  private readonly changes = new EventEmitter();
  private resolveEnded: (end: CallEnd) => void = () => {};
  private endedWith: CallEnd | undefined;
  /** Set while the simulator itself is ending the current stream, so its close is not a fallback. */
  private leavingStream = false;
  private statusSequence = 0;
  /** The `<Connect><Stream>` of the current stream (its status callback). */
  private connect: ConnectStream | undefined;
  private readonly stopFollowingRest: () => void;

  constructor(private readonly options: PlaceCallOptions) {
    this.callSid = options.callSid ?? randomSid('CA');
    this.changes.setMaxListeners(0);
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    const onUpdate = (update: CallUpdate) => {
      if (update.callSid === this.callSid) void this.onRestUpdate(update);
    };
    options.restApi?.on('update', onUpdate);
    this.stopFollowingRest = () => options.restApi?.off('update', onUpdate);
  }

  /** The current media stream, if one was opened. */
  get stream(): TwilioMediaStream | undefined {
    return this.streams[this.streams.length - 1];
  }

  get isEnded(): boolean {
    return this.endedWith !== undefined;
  }

  /** Messages the gateway sent on the current stream. */
  get received(): readonly ReceivedMessage[] {
    return this.stream?.received ?? [];
  }

  /** Audio heard on every stream of the call, in order. */
  get heard(): HeardChunk[] {
    return this.streams.flatMap((stream) => stream.heard);
  }

  heardAudio(): Buffer {
    return Buffer.concat(this.heard.map((chunk) => chunk.bytes));
  }

  saveHeardWav(path: string): void {
    writeWav(path, this.heardAudio());
  }

  /** Milliseconds since the call was placed. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** POSTs the voice webhook, as Twilio does when it sees the call; `placeCall` does this once. */
  async dial(): Promise<void> {
    this.webhook = await deliverWebhook({
      gatewayUrl: this.options.gatewayUrl,
      idempotencyToken: this.webhookToken,
      retry: this.options.webhookRetry,
      post: (gatewayUrl, readTimeoutMs) => this.postWebhook(gatewayUrl, readTimeoutMs),
      record: (attempt) => this.webhookAttempts.push(attempt),
    });
    if (this.webhook.status !== 200) {
      // Nothing happened at Twilio's end worth a status callback: the request never was Twilio's.
      await this.finish('webhook_failed', [], false);
      return;
    }
    await this.follow(this.webhook.body);
  }

  /**
   * Posts the same voice webhook again (same token), as Twilio does when an attempt failed, to
   * `gatewayUrl` (default the call's gateway); returns the answer.
   */
  retryWebhook(gatewayUrl = this.options.gatewayUrl): Promise<SignedPostResult> {
    return this.postWebhook(gatewayUrl);
  }

  /** Queues caller speech on the current stream (mu-law bytes or a WAV path). */
  say(audio: Uint8Array | string): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.reject(new Error('the call has no media stream'));
    return stream.say(audio);
  }

  sendDtmf(digit: string): void {
    this.stream?.sendDtmf(digit);
  }

  /** The caller hangs up: Twilio stops the stream and posts the `completed` status callback. */
  async hangup(): Promise<CallEnd> {
    if (this.endedWith) return this.endedWith;
    await this.leaveStream();
    return this.finish('caller_hangup', []);
  }

  /** Posts a call status callback (signed) to the number's status callback URL. */
  async postCallStatus(
    status: string,
    extra: Record<string, string> = {},
  ): Promise<SignedPostResult | undefined> {
    const path =
      this.options.statusCallbackPath === undefined ? DEFAULT_STATUS_PATH : this.options.statusCallbackPath;
    if (path === null) return undefined;
    const params = {
      ...this.commonParams(),
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(this.statusSequence++),
      Timestamp: new Date().toUTCString(),
      ...extra,
    };
    const result = await this.post(`${this.publicBase}${path}`, params);
    this.statusCallbacks.push({ params, result });
    return result;
  }

  /**
   * Twilio reports that the current stream failed (a broken WebSocket, a protocol error): it
   * posts `StreamEvent=stream-error` with a `StreamError` description to the `<Stream
   * statusCallback>` (https://www.twilio.com/docs/voice/twiml/stream, attribute
   * statusCallback). Returns the answer, or undefined without a stream or callback.
   */
  postStreamError(
    message = 'Stream - WebSocket - Connection Broken Pipe',
  ): Promise<SignedPostResult | undefined> {
    const stream = this.stream;
    if (!stream || !this.connect) return Promise.resolve(undefined);
    return this.postStreamStatus(this.connect, stream, 'stream-error', { StreamError: message });
  }

  /**
   * Resolves once `predicate` holds, re-checked on every message, frame played, close and end;
   * rejects after the timeout (ms, or `{ timeoutMs, description }`; default 10 s).
   */
  waitFor(predicate: () => boolean, options: WaitOptions | number = {}): Promise<void> {
    return waitUntil(this.changes, predicate, options);
  }

  /** Resolves with the first message of this `event` on the current stream that matches. */
  async waitForMessage(
    event: string,
    matches: (message: ReceivedMessage) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<ReceivedMessage> {
    const find = () => this.received.find((entry) => entry.message.event === event && matches(entry));
    await this.waitFor(() => find() !== undefined, { description: `a "${event}" message`, ...options });
    return find() as ReceivedMessage;
  }

  private get publicBase(): string {
    return this.options.publicBaseUrl.replace(/\/+$/, '');
  }

  private commonParams(): Record<string, string> {
    const { accountSid, from, to } = this.options;
    return {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.callSid,
      Called: to,
      Caller: from,
      Direction: 'inbound',
      From: from,
      To: to,
    };
  }

  private postWebhook(gatewayUrl: string, readTimeoutMs?: number): Promise<SignedPostResult> {
    const path = this.options.webhookPath ?? DEFAULT_WEBHOOK_PATH;
    const signature = this.options.forge?.webhookSignature;
    return this.post(
      `${this.publicBase}${path}`,
      { ...this.commonParams(), CallStatus: 'ringing' },
      {
        idempotencyToken: this.webhookToken,
        gatewayUrl,
        ...(signature === undefined ? {} : { signature }),
        ...(readTimeoutMs === undefined ? {} : { readTimeoutMs }),
      },
    );
  }

  /** Every other request (status callbacks) is a webhook of its own, with its own token. */
  private post(
    publicUrl: string,
    params: Record<string, string>,
    attempt: {
      signature?: string | null;
      idempotencyToken?: string;
      gatewayUrl?: string;
      readTimeoutMs?: number;
    } = {},
  ) {
    const { gatewayUrl = this.options.gatewayUrl, ...rest } = attempt;
    return postSignedForm({
      authToken: this.options.authToken,
      publicUrl,
      reachUrl: reachableUrl(publicUrl, this.publicBase, gatewayUrl),
      params,
      ...rest,
    });
  }

  /** Runs a TwiML document: connect its stream, or play its verbs. */
  private async follow(twiml: string): Promise<void> {
    this.currentTwiml = twiml;
    this.changed();
    const response = parseTwiml(twiml);
    const connect = findConnectStream(response);
    if (!connect) return this.runVerbs(response.children);
    try {
      const stream = await TwilioMediaStream.open(this.streamOptions(connect));
      this.streams.push(stream);
      this.connect = connect;
      stream.onChange(() => this.changed());
      void this.postStreamStatus(connect, stream, 'stream-started');
      void stream.closed.then((close) => this.onStreamClosed(connect, stream, close));
      this.changed();
    } catch (error) {
      // Twilio could not connect the stream: it moves on to the verbs after <Connect>.
      this.streamError = error as Error;
      await this.runVerbs(connect.fallback);
    }
  }

  private streamOptions(connect: ConnectStream): MediaStreamOptions {
    const forge = this.options.forge;
    return {
      url: reachableUrl(connect.url, this.publicBase, this.options.gatewayUrl),
      signedUrl: connect.url,
      authToken: this.options.authToken,
      accountSid: this.options.accountSid,
      callSid: this.callSid,
      customParameters: forge?.customParameters ?? connect.parameters,
      origin: this.origin,
      ...this.options.streamHooks,
      ...(this.options.stalls ? { stalls: this.options.stalls } : {}),
      ...(forge?.upgradeSignature === undefined ? {} : { upgradeSignature: forge.upgradeSignature }),
    };
  }

  private async onStreamClosed(connect: ConnectStream, stream: TwilioMediaStream, close: StreamClose) {
    await this.postStreamStatus(connect, stream, 'stream-stopped');
    // The gateway closed the stream while the call was still on this TwiML: the fallback runs.
    if (!this.leavingStream && close.by === 'gateway' && !this.endedWith && stream === this.stream) {
      await this.runVerbs(connect.fallback);
    }
  }

  private async runVerbs(verbs: readonly TwimlElement[]): Promise<void> {
    const spoken = spokenTexts(verbs);
    if (verbs.some((verb) => verb.name === 'Dial')) {
      this.transferred = true;
      this.changed();
      return;
    }
    await this.finish(verbs.some((verb) => verb.name === 'Hangup') ? 'twiml_hangup' : 'twiml_end', spoken);
  }

  /**
   * Twilio applies an update at once: `Status=completed` ends the call, new TwiML replaces what
   * the call runs. Either way the stream gets `stop` and the agent audio it has not played is
   * dropped (PROTOCOLS.md, corrections of 2026-12-02; https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource).
   */
  private async onRestUpdate(update: CallUpdate): Promise<void> {
    if (this.endedWith) return;
    const stream = this.stream;
    if (stream?.isOpen) {
      this.restTakeovers.push({ at: this.now(), unplayedBytes: stream.pendingPlaybackBytes, update });
    }
    if (update.status === 'completed' || update.status === 'canceled') {
      await this.leaveStream();
      await this.finish('rest_completed', []);
    } else if (update.twiml !== undefined) {
      await this.leaveStream();
      this.transferred = false;
      await this.follow(update.twiml);
    }
  }

  /** Twilio leaves the current stream (hang-up or new TwiML): `stop`, then close. */
  private async leaveStream(): Promise<void> {
    const stream = this.stream;
    if (!stream?.isOpen) return;
    this.leavingStream = true;
    try {
      await stream.stop();
    } finally {
      this.leavingStream = false;
    }
  }

  private async finish(
    reason: SimulatedCallEndReason,
    spoken: string[],
    postStatus = true,
  ): Promise<CallEnd> {
    if (this.endedWith) return this.endedWith;
    const end: CallEnd = { reason, at: this.now(), twiml: this.currentTwiml, spoken };
    this.endedWith = end;
    this.stopFollowingRest();
    if (postStatus) {
      const seconds = Math.ceil(end.at / MS_PER_SECOND);
      await this.postCallStatus('completed', { CallDuration: String(seconds) }).catch(() => undefined);
    }
    this.resolveEnded(end);
    this.changed();
    return end;
  }

  private async postStreamStatus(
    connect: ConnectStream,
    stream: TwilioMediaStream,
    event: string,
    extra: Record<string, string> = {},
  ): Promise<SignedPostResult | undefined> {
    if (!connect.statusCallback) return undefined;
    return this.post(connect.statusCallback, {
      AccountSid: this.options.accountSid,
      CallSid: this.callSid,
      StreamSid: stream.streamSid,
      StreamName: stream.streamSid,
      StreamEvent: event,
      Timestamp: new Date().toISOString(),
      ...extra,
    }).catch(() => undefined);
  }

  private changed(): void {
    this.changes.emit('change');
  }
}

/**
 * Places one simulated inbound call: signs and POSTs the webhook, follows the TwiML (opening
 * the media stream when it says `<Connect><Stream>`), and returns the call in progress.
 */
export async function placeCall(options: PlaceCallOptions): Promise<SimulatedCall> {
  const call = new SimulatedCall(options);
  await call.dial();
  return call;
}
