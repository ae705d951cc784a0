import { JsonBytesCursor, type TwilioInboundMessage } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { RawData } from 'ws';
import type { GatewayContext } from '../context.js';
import { type DropReason, FrameGuard } from './frame-guard.js';
import { FRAME_BURST, FrameRateLimit, MAX_FRAMES_PER_SECOND } from './frame-rate-limit.js';
import { parseFrame } from './parse-frame.js';
import { type FrameView, scanTwilioFrame } from './twilio-frame-scan.js';

/** What the intake hands on: every frame is exactly one of these calls, or a drop. */
export interface FrameIntakeHandlers {
  /** A message of Twilio's union, from the full parser. */
  onMessage(message: TwilioInboundMessage): void;
  /**
   * A `media` frame of the live stream, from the fast path: its base64 payload as it came, a
   * view into the frame's bytes (copy it to keep it past this call).
   */
  onLiveMedia(payload: Uint8Array): void;
  /** A `mark` echo of the live stream, from the fast path: the mark's name. */
  onLiveMark(name: string): void;
  /** More bad frames than the guard tolerates: the stream must close. */
  onTooManyBad(): void;
}

/**
 * Every WebSocket message of one stream comes in here: rate limited before any parsing (a flood
 * must not buy itself JSON and schema work), then read. Once the stream is live, `media` and
 * `mark` frames of its SID take the byte-level fast path (`twilio-frame-scan.ts`); everything
 * else goes through `JSON.parse` and the zod union. Bad frames are counted, logged once, and
 * dropped; too many of them end the stream.
 */
export class FrameIntake {
  private readonly guard: FrameGuard;
  private readonly rate: FrameRateLimit;
  private readonly cursor = new JsonBytesCursor();
  private readonly view: FrameView = { streamSidStart: 0, valueStart: 0, valueEnd: 0 };
  /** The live stream's SID as bytes; undefined until then (no fast path before `start` passed). */
  private liveStreamSid: Buffer | undefined;
  private warnedBadFrame = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly handlers: FrameIntakeHandlers,
    private log: Logger,
  ) {
    this.guard = new FrameGuard({
      maxBadFrames: ctx.config.MAX_BAD_FRAMES,
      windowMs: ctx.config.BAD_FRAME_WINDOW_MS,
    });
    this.rate = new FrameRateLimit(MAX_FRAMES_PER_SECOND, FRAME_BURST);
  }

  /** The stream is live (undefined: not, or no more): its `media` and `mark` frames may take the fast path. */
  setLiveStream(streamSid: string | undefined, log: Logger): void {
    this.liveStreamSid = streamSid === undefined ? undefined : Buffer.from(streamSid, 'latin1');
    this.log = log;
  }

  receive(data: RawData, isBinary: boolean): void {
    if (!this.rate.take(this.ctx.now())) {
      this.drop('rate_limited');
      return;
    }
    const live = this.liveStreamSid;
    if (live !== undefined && !isBinary && Buffer.isBuffer(data)) {
      const scan = scanTwilioFrame(data, this.view, this.cursor);
      if (scan === 'invalid') {
        this.drop('schema');
        return;
      }
      if (scan !== 'other') {
        this.readLive(scan, data, live);
        return;
      }
    }
    const frame = parseFrame(data, isBinary);
    if ('drop' in frame) {
      this.drop(frame.drop);
      return;
    }
    this.count(frame.message.event);
    this.handlers.onMessage(frame.message);
  }

  /** A valid `media` or `mark` frame that the fast path read: for the live stream, or dropped. */
  private readLive(kind: 'media' | 'mark', data: Buffer, live: Buffer): void {
    const { frameCounts } = this.ctx.metrics;
    if (kind === 'media') frameCounts.inMedia++;
    else frameCounts.inMark++;
    const { streamSidStart, valueStart, valueEnd } = this.view;
    if (!sameBytes(live, data, streamSidStart)) {
      this.drop('wrong_stream');
      return;
    }
    if (kind === 'media') this.handlers.onLiveMedia(data.subarray(valueStart, valueEnd));
    else this.handlers.onLiveMark(data.toString('latin1', valueStart, valueEnd));
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
