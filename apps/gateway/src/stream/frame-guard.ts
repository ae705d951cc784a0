/** Why a frame was dropped (the `reason` label of `gateway_frames_dropped_total`). */
export type DropReason =
  | 'binary'
  | 'invalid_json'
  | 'schema'
  | 'oversized'
  | 'before_start'
  | 'unexpected_start'
  | 'wrong_stream'
  | 'start_backlog_full'
  /** A mark echo of a mark this stream never sent (or one already echoed): not Twilio's. */
  | 'unknown_mark'
  /** Over the stream's rate limit beyond its burst: a flood. */
  | 'rate_limited'
  /** From the bridge: audio that is not base64, or a control that does not match the contract. */
  | 'bad_bridge_audio'
  | 'bad_bridge_control';

export interface FrameGuardOptions {
  /** Bad frames tolerated within `windowMs`; one more closes the stream. */
  maxBadFrames: number;
  windowMs: number;
}

/**
 * Counts bad frames over a sliding window. A stray malformed frame is dropped and forgotten;
 * a storm of them means a broken or hostile peer, and the stream is closed.
 */
export class FrameGuard {
  private readonly times: number[] = [];

  constructor(private readonly options: FrameGuardOptions) {}

  /** Records one bad frame at `nowMs`; true when the peer has now sent too many. */
  recordBad(nowMs: number): boolean {
    const horizon = nowMs - this.options.windowMs;
    while (this.times.length > 0 && (this.times[0] as number) <= horizon) this.times.shift();
    this.times.push(nowMs);
    return this.times.length > this.options.maxBadFrames;
  }
}
