const MS_PER_SECOND = 1_000;

/**
 * Inbound messages per second one stream may sustain: Twilio sends 50 media frames a second
 * (and the odd `dtmf`), so three times the media rate never throttles a real stream. Echoes of
 * our own marks are not counted here (`FrameIntake` settles them against the marks sent).
 */
export const MAX_FRAMES_PER_SECOND = 150;
/** Messages a stream may send at once above that rate (a backlog of media after a network stall). */
export const FRAME_BURST = 300;

/**
 * A token bucket over one stream's inbound messages. Twilio's pace is fixed (a media frame
 * every 20 ms), so a stream far faster than that for longer than
 * a burst is a flood from a broken or hostile peer, not a caller.
 */
export class FrameRateLimit {
  private tokens: number;
  private lastMs: number | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Spends one message's token at `nowMs`; false when the stream is over its rate. */
  take(nowMs: number): boolean {
    if (this.lastMs !== undefined && nowMs > this.lastMs) {
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((nowMs - this.lastMs) * this.perSecond) / MS_PER_SECOND,
      );
    }
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
