import { isBase64Bytes, type MediaOutControl, type TwilioInboundMessage } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { WebSocket } from 'ws';
import { gatewayEvents } from '../calls/call-events.js';
import type { BridgeStopReason, LiveCall } from '../calls/live-calls.js';
import type { BridgeLink } from '../claims/media-bus.js';
import type { GatewayContext } from '../context.js';
import type { DropReason } from './frame-guard.js';
import type { MarkLedger } from './mark-ledger.js';
import { TwilioFrames } from './twilio-frames.js';

/** Frames to Twilio are text frames, whether they are built as strings or as bytes. */
const TEXT_FRAME = { binary: false } as const;

/**
 * The socket under a WebSocket (`net.Socket`): corked while one batch of bridge messages is
 * relayed, so a chunk of agent audio and the mark after it leave in one write, not two.
 */
export interface SocketCork {
  cork(): void;
  uncork(): void;
}

export interface RelayOptions {
  ctx: GatewayContext;
  live: LiveCall;
  streamSid: string;
  socket: WebSocket;
  cork: SocketCork;
  log: Logger;
  /** The stream's marks sent and not yet echoed (kept across bridges: echoes outlive a move). */
  marks: MarkLedger;
  /** Counts a dropped frame (the session's guard decides whether it was one too many). */
  onDrop(reason: DropReason): void;
  /**
   * The bridge gave the call back: `draining` (it is shutting down, the call moves on) or
   * `session_failed` (the model cannot be reached: the call ends with the fallback apology).
   */
  onBridgeReleased(reason: ReleaseReason): void;
}

/** Why a bridge hands a call back. */
export type ReleaseReason = Extract<MediaOutControl, { type: 'release' }>['reason'];

/** The media path of one streaming call, between Twilio's socket and the claim's bridge. */
export interface Relay {
  /** A validated `media` or `dtmf` message from Twilio, for this stream. */
  fromTwilio(message: Extract<TwilioInboundMessage, { event: 'media' | 'dtmf' }>): void;
  /** The validated base64 payload of a `media` message of this stream, as bytes (the fast path). */
  fromTwilioAudio(payload: Uint8Array): void;
  /** The echo of a mark this relay's bridge sent (settled in the ledger by the session). */
  fromTwilioMark(name: string): void;
  /** Tells the bridge the stream is over and stops listening to it. */
  stop(reason: BridgeStopReason): void;
  /**
   * When the bridge last proved it is alive (epoch ms), if it has: a heartbeat, or any audio or
   * control from it (a bridge beats only on calls it is otherwise quiet on).
   */
  readonly lastHeardAt: number | undefined;
}

/**
 * Opens the link to the claim's bridge and relays both ways. Caller audio goes to the bridge as the
 * base64 bytes Twilio sent; agent audio comes back the same way, is checked to be base64 and
 * framed for Twilio by concatenating bytes, never decoded or re-parsed. Only `media`, `mark`
 * and `clear` reach Twilio. Every mark sent is recorded in the stream's ledger with this
 * claim, so the session hands this bridge only the echoes of its own marks: after a move, the
 * echoes of the previous bridge's audio still playing mean nothing to the new one.
 */
export function startRelay(options: RelayOptions): Relay {
  return new BridgeRelay(options);
}

/**
 * Everything per frame is a method call on state built once per relay: the hot path (a chunk of
 * agent audio, a chunk of caller audio) allocates nothing but the frame it sends.
 */
class BridgeRelay implements Relay {
  private readonly options: RelayOptions;
  private readonly frames: TwilioFrames;
  private readonly sender: CorkedSender;
  private readonly link: BridgeLink;
  private heardAt: number | undefined;
  /** Audio came since `lastHeardAt` was last asked: stamped when asked, so a frame costs a store. */
  private audioUnstamped = false;
  private warnedMarks = false;

  constructor(options: RelayOptions) {
    this.options = options;
    this.frames = new TwilioFrames(options.streamSid);
    this.sender = new CorkedSender(options.socket, options.cork);
    this.link = options.ctx.bus.link(options.live.subjects, {
      onAudio: (payload) => this.toTwilioAudio(payload),
      onControl: (control) => this.onBridgeControl(control),
      onInvalid: (detail) => this.onInvalidControl(detail),
    });
    this.link.sendControl({ type: 'start', streamSid: options.streamSid });
  }

  get lastHeardAt(): number | undefined {
    if (this.audioUnstamped) {
      this.audioUnstamped = false;
      this.heardAt = this.options.ctx.now();
    }
    return this.heardAt;
  }

  fromTwilioAudio(payload: Uint8Array): void {
    this.link.sendAudio(payload);
  }

  fromTwilioMark(name: string): void {
    this.link.sendControl({ type: 'mark', name });
  }

  fromTwilio(message: Extract<TwilioInboundMessage, { event: 'media' | 'dtmf' }>): void {
    switch (message.event) {
      case 'media':
        this.link.sendAudio(message.media.payload);
        return;
      case 'dtmf':
        this.link.sendControl({ type: 'dtmf', digit: message.dtmf.digit });
        this.publishDtmf(message);
        return;
    }
  }

  stop(reason: BridgeStopReason): void {
    this.link.sendControl({ type: 'stop', reason });
    this.link.close();
  }

  private publishDtmf(message: Extract<TwilioInboundMessage, { event: 'dtmf' }>): void {
    const { ctx, streamSid, live } = this.options;
    ctx.events.publish(
      gatewayEvents.dtmf(new Date(ctx.now()), streamSid, message.sequenceNumber ?? String(ctx.now()), {
        callSid: live.callSid,
        digit: message.dtmf.digit,
      }),
    );
  }

  private toTwilioAudio(payload: Uint8Array): void {
    this.audioUnstamped = true;
    // Base64 as Twilio accepts it: a bad payload must not break the JSON around it.
    if (!isBase64Bytes(payload)) {
      this.options.onDrop('bad_bridge_audio');
      return;
    }
    if (this.sender.send(this.frames.media(payload))) this.options.ctx.metrics.frameCounts.outMedia++;
  }

  private onBridgeControl(control: MediaOutControl): void {
    const { ctx, log } = this.options;
    this.heardAt = ctx.now();
    switch (control.type) {
      case 'mark':
        this.toTwilioMark(control.name);
        return;
      case 'clear':
        if (this.sender.send(this.frames.clear)) ctx.metrics.frames.inc({ direction: 'out', kind: 'clear' });
        return;
      case 'heartbeat':
        return;
      case 'release':
        log.warn({ reason: control.reason }, 'bridge released the call');
        this.options.onBridgeReleased(control.reason);
        return;
    }
  }

  private toTwilioMark(name: string): void {
    const { marks, live, log } = this.options;
    if (!this.sender.open) return;
    if (!marks.sent(name, live.claimId)) {
      if (!this.warnedMarks) log.warn({ pending: marks.size }, 'too many marks pending; marks not sent');
      this.warnedMarks = true;
      return;
    }
    this.sender.send(this.frames.mark(name));
    this.options.ctx.metrics.frameCounts.outMark++;
  }

  private onInvalidControl(detail: string): void {
    this.options.log.warn({ detail }, 'dropped a bridge control that does not match the contract');
    this.options.onDrop('bad_bridge_control');
  }
}

/**
 * Sends to Twilio's socket, corked from the first frame of a batch of bridge messages (one NATS
 * read) until the batch has been handled: the microtask runs before anything else, so nothing
 * waits for a timer.
 */
class CorkedSender {
  private readonly socket: WebSocket;
  private readonly cork: SocketCork;
  private corked = false;
  /** Bound once: queued once per batch, not created per frame. */
  private readonly uncork = (): void => {
    this.corked = false;
    this.cork.uncork();
  };

  constructor(socket: WebSocket, cork: SocketCork) {
    this.socket = socket;
    this.cork = cork;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** False when the socket is no longer open (the frame is not sent). */
  send(frame: string | Buffer): boolean {
    if (!this.open) return false;
    if (!this.corked) {
      this.corked = true;
      this.cork.cork();
      queueMicrotask(this.uncork);
    }
    this.socket.send(frame, TEXT_FRAME);
    return true;
  }
}
