import { randomBytes } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  type CallClaimReply,
  type CallClaimRequest,
  callClaimReplySchema,
  callClaimRequestSchema,
  decodeJson,
  encodeJson,
  type MediaInControl,
  type MediaOutControl,
  mediaInControlSchema,
  mediaOutControlSchema,
  mediaSubjects,
  subjects,
  TWILIO_FRAME_BYTES,
  TWILIO_FRAME_MS,
} from '@voice/shared/contracts';

const MULAW_SILENCE = 0xff;
const BYTES_PER_MS = TWILIO_FRAME_BYTES / TWILIO_FRAME_MS;

export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;
const newStreamSid = () => `MZ${randomBytes(16).toString('hex')}`;

/** What the fake gateway saw from the bridge, with its arrival time (`performance.now()`). */
export type Received =
  | { at: number; kind: 'audio'; bytes: number }
  | { at: number; kind: 'control'; control: MediaOutControl };

type Queued = { kind: 'audio'; data: Buffer } | { kind: 'mark'; name: string };

export interface ClaimOptions {
  agentId: string;
  from?: string;
  to?: string;
  callSid?: string;
  claimId?: string;
  /** NATS request timeout (ms); generous, so a loaded machine does not fail the claim. */
  timeoutMs?: number;
}

/**
 * Plays the gateway's part for one call, as the real gateway and Twilio do together: claims
 * the call, sends `start`, streams caller audio in 20 ms frames at real-time pace (silence, or
 * loud noise while "speaking"), plays the agent's audio in real time, echoes each mark once
 * the audio before it has played, honours `clear` (drops unplayed audio, echoes pending marks
 * at once) and records what it heard.
 */
export class FakeGatewayCall {
  readonly received: Received[] = [];
  /** Agent audio played to the caller (bytes of mu-law, 8 per ms). */
  heardBytes = 0;
  /** Caller speech sent so far (ms), and when each utterance started. */
  readonly utterances: Array<{ at: number; ms: number }> = [];
  /** Marks echoed because their audio played (not those echoed by a clear), with the audio heard by then. */
  readonly playedMarks: Array<{ name: string; heardMs: number; at: number }> = [];
  readonly streamSid = newStreamSid();
  private readonly queue: Queued[] = [];
  private speechLeftMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private tickCount = 0;
  private startedAt = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly nc: NatsConnection,
    readonly claim: CallClaimRequest,
    private readonly subscription: Subscription,
    public reply: CallClaimReply | undefined,
  ) {}

  /** Sends the claim as the gateway does while answering the webhook. */
  static async claim(nc: NatsConnection, options: ClaimOptions): Promise<FakeGatewayCall> {
    const claim = callClaimRequestSchema.parse({
      callSid: options.callSid ?? newCallSid(),
      claimId: options.claimId ?? randomBytes(8).toString('hex'),
      accountSid: `AC${'0'.repeat(32)}`,
      agentId: options.agentId,
      from: options.from ?? '+15550100001',
      to: options.to ?? '+15550001000',
      gatewayId: 'test-gateway',
      requestedAt: new Date().toISOString(),
    });
    const media = mediaSubjects(claim.callSid, claim.claimId);
    let call: FakeGatewayCall | undefined;
    const subscription = nc.subscribe(media.outAll, {
      callback: (_error, msg) => call?.onOutbound(msg.subject === media.outAudio, msg.data),
    });
    call = new FakeGatewayCall(nc, claim, subscription, undefined);
    const answer = await nc.request(subjects.callClaim, encodeJson(callClaimRequestSchema, claim), {
      timeout: options.timeoutMs ?? 15_000,
    });
    const parsed = decodeJson(callClaimReplySchema, answer.data, 'claim reply');
    if (!parsed.ok) throw parsed.error;
    call.reply = parsed.value;
    return call;
  }

  get subjects() {
    return mediaSubjects(this.claim.callSid, this.claim.claimId);
  }

  /** Twilio's stream is up: tell the bridge, and start the 20 ms clock (caller frames, playback). */
  start(): void {
    this.control({ type: 'start', streamSid: this.streamSid });
    this.startedAt = performance.now();
    this.tick();
  }

  /** The caller speaks (loud noise) for `ms`, then falls silent again. */
  say(ms: number): void {
    this.utterances.push({ at: performance.now(), ms });
    this.speechLeftMs += ms;
  }

  dtmf(digit: string): void {
    this.control({ type: 'dtmf', digit });
  }

  stop(reason: Extract<MediaInControl, { type: 'stop' }>['reason'] = 'caller_hangup'): void {
    this.control({ type: 'stop', reason });
    this.close();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.subscription.unsubscribe();
  }

  get heardMs(): number {
    return this.heardBytes / BYTES_PER_MS;
  }

  /** Milliseconds of agent audio received (played or not). */
  get receivedAudioMs(): number {
    return this.received.reduce((ms, r) => ms + (r.kind === 'audio' ? r.bytes / BYTES_PER_MS : 0), 0);
  }

  controls<T extends MediaOutControl['type']>(
    type: T,
  ): Array<Extract<Received, { kind: 'control' }> & { control: { type: T } }> {
    return this.received.filter(
      (r): r is Extract<Received, { kind: 'control' }> & { control: { type: T } } =>
        r.kind === 'control' && r.control.type === type,
    );
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every message and tick. */
  waitFor<T>(probe: () => T | undefined | false | null, timeoutMs = 15_000, what = 'condition'): Promise<T> {
    const first = probe();
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (!value) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake gateway: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits until every queued agent audio chunk has played (nothing left in the buffer). */
  waitForPlaybackIdle(timeoutMs = 15_000): Promise<true> {
    return this.waitFor(() => this.queue.length === 0 || undefined, timeoutMs, 'idle playback');
  }

  private control(message: MediaInControl): void {
    this.nc.publish(this.subjects.inControl, encodeJson(mediaInControlSchema, message));
  }

  private onOutbound(isAudio: boolean, data: Uint8Array): void {
    const at = performance.now();
    if (isAudio) {
      const audio = Buffer.from(Buffer.from(data).toString(), 'base64');
      this.received.push({ at, kind: 'audio', bytes: audio.length });
      this.queue.push({ kind: 'audio', data: audio });
    } else {
      const parsed = decodeJson(mediaOutControlSchema, data, 'bridge control');
      if (!parsed.ok) throw parsed.error;
      const control = parsed.value;
      this.received.push({ at, kind: 'control', control });
      if (control.type === 'mark') this.queue.push({ kind: 'mark', name: control.name });
      if (control.type === 'clear') this.clearPlayback();
    }
    this.notify();
  }

  /** Twilio on `clear`: unplayed audio is dropped and the marks still queued are echoed at once. */
  private clearPlayback(): void {
    for (const entry of this.queue.splice(0)) {
      if (entry.kind === 'mark') this.control({ type: 'mark', name: entry.name });
    }
  }

  private tick(): void {
    if (this.nc.isClosed() || this.nc.isDraining()) return;
    this.sendCallerFrame();
    this.play(TWILIO_FRAME_BYTES);
    this.notify();
    this.tickCount++;
    const next = this.startedAt + this.tickCount * TWILIO_FRAME_MS;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - performance.now()));
  }

  private sendCallerFrame(): void {
    const speaking = this.speechLeftMs > 0;
    const frame = speaking ? loudFrame() : Buffer.alloc(TWILIO_FRAME_BYTES, MULAW_SILENCE);
    if (speaking) this.speechLeftMs = Math.max(0, this.speechLeftMs - TWILIO_FRAME_MS);
    this.nc.publish(this.subjects.inAudio, frame.toString('base64'));
  }

  /** Plays one frame's worth of queued audio, echoing each mark once the audio before it is out. */
  private play(budget: number): void {
    let left = budget;
    while (this.queue.length > 0) {
      const head = this.queue[0] as Queued;
      if (head.kind === 'mark') {
        this.queue.shift();
        this.playedMarks.push({ name: head.name, heardMs: this.heardMs, at: performance.now() });
        this.control({ type: 'mark', name: head.name });
        continue;
      }
      if (left === 0) break;
      const take = Math.min(left, head.data.length);
      this.heardBytes += take;
      left -= take;
      if (take === head.data.length) this.queue.shift();
      else head.data = head.data.subarray(take);
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Loud noise: far above the VAD threshold. */
function loudFrame(): Buffer {
  const frame = randomBytes(TWILIO_FRAME_BYTES);
  for (let i = 0; i < frame.length; i++) frame[i] = (frame[i] as number) & 0x8f;
  return frame;
}
