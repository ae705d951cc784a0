import { CallMedia } from './call-media.js';
import { CallRequests } from './call-requests.js';
import type { CallUpdate } from './fake-rest-api.js';
import { type StreamClose, TwilioMediaStream } from './media-stream.js';
import { randomSid } from './sids.js';
import type { SignedPostResult } from './signing.js';
import { streamOptions } from './stream-options.js';
import {
  type ConnectStream,
  findConnectStream,
  parseTwiml,
  spokenTexts,
  type TwimlElement,
} from './twiml-reader.js';
import { deliverWebhook, type WebhookAttempt } from './webhook-delivery.js';

export type {
  CallEnd,
  PlaceCallOptions,
  RestTakeover,
  SimulatedCallEndReason,
} from './call-options.js';

import type { CallEnd, PlaceCallOptions, RestTakeover, SimulatedCallEndReason } from './call-options.js';

const MS_PER_SECOND = 1_000;

/**
 * One inbound call as Twilio places it: the signed voice webhook, the TwiML it answers, the
 * media stream(s) it connects, REST updates made to the call, and the signed status callbacks.
 * Create with `placeCall`.
 */
export class SimulatedCall extends CallMedia {
  readonly callSid: string;
  /** The webhook's answer Twilio took (the last attempt's): status and TwiML. */
  webhook: SignedPostResult = { status: 0, body: '' };
  /** Every attempt of the voice webhook, in order (one unless Twilio retried). */
  readonly webhookAttempts: WebhookAttempt[] = [];
  /** The voice webhook's `I-Twilio-Idempotency-Token`: its retries carry the same one. */
  readonly webhookToken: string;
  /** The TwiML the call is on now (the webhook's, or one a REST update gave). */
  currentTwiml = '';
  /** Why the last stream could not open (e.g. `StreamRejectedError` 403). */
  streamError: Error | undefined;
  /** A `<Dial>` (transfer) is what the call is doing now. */
  transferred = false;
  /** Status callbacks posted, with the gateway's answers. */
  readonly statusCallbacks: Array<{ params: Record<string, string>; result: SignedPostResult }> = [];
  /** REST updates that took the call off a live stream, in order. */
  readonly restTakeovers: RestTakeover[] = [];
  readonly ended: Promise<CallEnd>;

  private resolveEnded: (end: CallEnd) => void = () => {};
  private endedWith: CallEnd | undefined;
  /** Set while the simulator itself is ending the current stream, so its close is not a fallback. */
  private leavingStream = false;
  /** The `<Connect><Stream>` of the current stream (its status callback). */
  private connect: ConnectStream | undefined;
  private readonly stopFollowingRest: () => void;
  private readonly requests: CallRequests;

  constructor(private readonly options: PlaceCallOptions) {
    super();
    this.callSid = options.callSid ?? randomSid('CA');
    this.requests = new CallRequests(options, this.callSid);
    this.webhookToken = this.requests.webhookToken;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    const onUpdate = (update: CallUpdate) => {
      if (update.callSid === this.callSid) void this.onRestUpdate(update);
    };
    options.restApi?.on('update', onUpdate);
    this.stopFollowingRest = () => options.restApi?.off('update', onUpdate);
  }

  get isEnded(): boolean {
    return this.endedWith !== undefined;
  }

  /** POSTs the voice webhook, as Twilio does when it sees the call; `placeCall` does this once. */
  async dial(): Promise<void> {
    this.webhook = await deliverWebhook({
      gatewayUrl: this.options.gatewayUrl,
      idempotencyToken: this.webhookToken,
      retry: this.options.webhookRetry,
      post: (gatewayUrl, readTimeoutMs) => this.requests.postWebhook(gatewayUrl, readTimeoutMs),
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
    return this.requests.postWebhook(gatewayUrl);
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
    const posted = await this.requests.postCallStatus(status, extra);
    if (posted) this.statusCallbacks.push(posted);
    return posted?.result;
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
    return this.requests.postStreamStatus(this.connect.statusCallback, stream.streamSid, 'stream-error', {
      StreamError: message,
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
      const stream = await TwilioMediaStream.open(
        streamOptions(
          this.options,
          { callSid: this.callSid, origin: this.origin, publicBase: this.requests.publicBase },
          connect,
        ),
      );
      this.streams.push(stream);
      this.connect = connect;
      stream.onChange(() => this.changed());
      void this.requests.postStreamStatus(connect.statusCallback, stream.streamSid, 'stream-started');
      void stream.closed.then((close) => this.onStreamClosed(connect, stream, close));
      this.changed();
    } catch (error) {
      // Twilio could not connect the stream: it moves on to the verbs after <Connect>.
      this.streamError = error as Error;
      await this.runVerbs(connect.fallback);
    }
  }

  private async onStreamClosed(connect: ConnectStream, stream: TwilioMediaStream, close: StreamClose) {
    await this.requests.postStreamStatus(connect.statusCallback, stream.streamSid, 'stream-stopped');
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
