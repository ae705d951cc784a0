/**
 * Stalls on the network path from Twilio to the gateway. Twilio sends a caller frame every
 * 20 ms, but the path to a media server is TCP over the internet: after a stall, everything
 * held arrives at once (a burst of frames, e.g. 10 after 200 ms of nothing), in order, with
 * the timestamps they were captured at (Twilio Media Streams docs, "media" message:
 * `timestamp` and `chunk` are set at capture; the bunching is public lore of Twilio voice bots,
 * e.g. "network jitter may cause packet bunching", and what TCP does after a retransmission).
 */
export interface NetworkStalls {
  /** One stall starts every `everyMs` of stream time. */
  everyMs: number;
  /** Nothing arrives for this long; then what was held arrives together. */
  stallMs: number;
  /** When the first stall starts (ms after the stream opened). Default `everyMs`. */
  firstAtMs?: number;
}

/**
 * Delivers a stream's messages to the socket, holding them during each stall and sending the
 * held ones in one go when it ends. With no stalls configured, a message goes out at once:
 * the default path is smooth (the real one mostly is; tests that need bursts ask for them).
 */
export class StallingPath {
  private held: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stalls: NetworkStalls | undefined,
    private readonly elapsedMs: () => number,
    private readonly deliver: (message: string) => void,
  ) {
    if (stalls && (stalls.stallMs <= 0 || stalls.everyMs <= stalls.stallMs)) {
      throw new Error(`network stalls need 0 < stallMs < everyMs, got ${JSON.stringify(stalls)}`);
    }
  }

  send(message: string): void {
    const waitMs = this.stallLeftMs();
    if (waitMs === 0 && this.held.length === 0) {
      this.deliver(message);
      return;
    }
    this.held.push(message);
    this.timer ??= setTimeout(() => this.release(), waitMs);
  }

  /** Sends what is held now (the stream is about to end: `stop` comes after everything). */
  flush(): void {
    clearTimeout(this.timer);
    this.release();
  }

  /** The connection is gone: nothing held will arrive. */
  close(): void {
    clearTimeout(this.timer);
    this.held = [];
  }

  private release(): void {
    this.timer = undefined;
    const held = this.held;
    this.held = [];
    for (const message of held) this.deliver(message);
  }

  /** How much of the current stall is left (0 outside stalls). */
  private stallLeftMs(): number {
    if (!this.stalls) return 0;
    const { everyMs, stallMs } = this.stalls;
    const since = this.elapsedMs() - (this.stalls.firstAtMs ?? everyMs);
    if (since < 0) return 0;
    const phase = since % everyMs;
    return phase < stallMs ? stallMs - phase : 0;
  }
}
