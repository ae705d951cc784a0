import { JsonBytesCursor, type TwilioInboundMessage } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { RawData } from 'ws';
import type { GatewayContext } from '../context.js';
import { type DropReason, FrameGuard } from './frame-guard.js';
import { FRAME_BURST, FrameRateLimit, MAX_FRAMES_PER_SECOND } from './frame-rate-limit.js';
import type { MarkLedger } from './mark-ledger.js';
import { parseFrame } from './parse-frame.js';
import { type FrameScan, type FrameView, scanTwilioFrame } from './twilio-frame-scan.js';

/** What the intake hands on: every frame is exactly one of these calls, or a drop. */
export interface FrameIntakeHandlers {
  /** A message of Twilio's union, from the full parser. */
  onMessage(message: TwilioInboundMessage): void;
  /**
   * A `media` frame of the live stream, from the fast path: its base64 payload as it came, a
   * view into the frame's own bytes, which nothing rewrites afterwards.
   */
  onLiveMedia(payload: Uint8Array): void;
  /** The echo of a mark this stream sent, settled in the ledger: its name and the claim that sent it. */
  onMarkEcho(name: string, claimId: string): void;
  /** More bad frames than the guard tolerates: the stream must close. */
  onTooManyBad(): void;
}

/**
 * Every WebSocket message of one stream comes in here. A cheap byte-level scan
 * (`twilio-frame-scan.ts`) classifies it first, with no `JSON.parse`: the echo of a mark this
 * stream sent is accounted against the `MarkLedger` and never rate limited, however many come
 * at once (Twilio returns every pending mark together when a `clear` empties its buffer).
 * Everything else is rate limited before any parsing (a flood must not buy itself JSON and
 * schema work), then read: live `media` of the stream's SID on the fast path, the rest through
 * `JSON.parse` and the zod union. A mark echo nobody sent is a bad frame. Bad frames are
 * counted, logged once, and dropped; too many of them end the stream.
 */
export class FrameIntake {
  private readonly guard: FrameGuard;
  private readonly rate: FrameRateLimit;
  private readonly cursor = new JsonBytesCursor();
  private readonly view: FrameView = { streamSidStart: 0, valueStart: 0, valueEnd: 0 };
  /** The accepted stream's SID as bytes; undefined until `start` passed. */
  private streamSid: Buffer | undefined;
  /** Its `media` may take the fast path (not while the call moves to another bridge). */
  private live = false;
  private warnedBadFrame = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly handlers: FrameIntakeHandlers,
    private log: Logger,
    private readonly marks: MarkLedger,
  ) {
    this.guard = new FrameGuard({
      maxBadFrames: ctx.config.MAX_BAD_FRAMES,
      windowMs: ctx.config.BAD_FRAME_WINDOW_MS,
    });
    this.rate = new FrameRateLimit(MAX_FRAMES_PER_SECOND, FRAME_BURST);
  }

  /** The stream was accepted with this SID; `live`: its `media` frames may take the fast path. */
  setStream(streamSid: string, live: boolean, log: Logger): void {
    this.streamSid = Buffer.from(streamSid, 'latin1');
    this.live = live;
    this.log = log;
  }

  receive(data: RawData, isBinary: boolean): void {
    const scan = this.scan(data, isBinary);
    if (scan === 'mark' && this.settleEcho(data as Buffer)) return;
    if (!this.rate.take(this.ctx.now())) {
      this.drop('rate_limited');
      return;
    }
    if (scan === 'invalid') {
      this.drop('schema');
      return;
    }
    if (scan === 'mark') {
      this.drop(this.ofStream(data as Buffer) ? 'unknown_mark' : 'wrong_stream');
      return;
    }
    if (scan === 'media' && this.live) {
      this.readLiveMedia(data as Buffer);
      return;
    }
    const frame = parseFrame(data, isBinary);
    if ('drop' in frame) {
      this.drop(frame.drop);
      return;
    }
    this.count(frame.message.event);
    this.handlers.onMessage(frame.message);
  }

  /** The fast path's verdict, once the stream is accepted; before that the full parser decides all. */
  private scan(data: RawData, isBinary: boolean): FrameScan {
    if (this.streamSid === undefined || isBinary || !Buffer.isBuffer(data)) return 'other';
    const scan = scanTwilioFrame(data, this.view, this.cursor);
    if (scan === 'mark') this.ctx.metrics.frameCounts.inMark++;
    return scan;
  }

  /** A scanned mark of this stream that we sent and still await: settled and handed on. */
  private settleEcho(data: Buffer): boolean {
    if (!this.ofStream(data)) return false;
    const name = data.toString('latin1', this.view.valueStart, this.view.valueEnd);
    const claimId = this.marks.echoed(name);
    if (claimId === undefined) return false;
    this.handlers.onMarkEcho(name, claimId);
    return true;
  }

  /** A valid `media` frame that the fast path read: for the live stream, or dropped. */
  private readLiveMedia(data: Buffer): void {
    this.ctx.metrics.frameCounts.inMedia++;
    if (!this.ofStream(data)) {
      this.drop('wrong_stream');
      return;
    }
    this.handlers.onLiveMedia(data.subarray(this.view.valueStart, this.view.valueEnd));
  }

  /** Whether the scanned frame names this stream's SID. */
  private ofStream(data: Buffer): boolean {
    return this.streamSid !== undefined && sameBytes(this.streamSid, data, this.view.streamSidStart);
  }

  /** Counts a bad frame; one too many ends the stream. */
  drop(reason: DropReason): void {
    this.ctx.metrics.framesDropped.inc({ reason });
    if (!this.warnedBadFrame) {
      this.warnedBadFrame = true;
      this.log.warn({ reason }, 'dropped a bad media stream frame');
    } else {
      this.log.debug({ reason }, 'dropped a bad media stream frame');
    }
    if (this.guard.recordBad(this.ctx.now())) {
      this.log.warn(
        { maxBadFrames: this.ctx.config.MAX_BAD_FRAMES },
        'too many bad frames, closing the stream',
      );
      this.ctx.metrics.streams.inc({ outcome: 'bad_frames' });
      this.handlers.onTooManyBad();
    }
  }

  private count(event: TwilioInboundMessage['event']): void {
    const { metrics } = this.ctx;
    if (event === 'media') metrics.frameCounts.inMedia++;
    else if (event === 'mark') metrics.frameCounts.inMark++;
    else metrics.frames.inc({ direction: 'in', kind: event });
  }
}

/** Whether `data` holds `expected` at `offset` (a plain loop: 34 bytes, no call into native code). */
function sameBytes(expected: Buffer, data: Buffer, offset: number): boolean {
  if (offset + expected.length > data.length) return false;
  for (let i = 0; i < expected.length; i++) if (data[offset + i] !== expected[i]) return false;
  return true;
}
