/**
 * Agent audio per mark. The model sends audio in chunks of varying size far faster than it
 * plays (PROTOCOLS.md, corrections of 2026-12-02), and Twilio echoes every mark, all pending
 * ones at once on `clear`: a mark per chunk made an interrupted minute of speech thousands of
 * messages. Between marks the heard position comes from play-out time instead.
 */
export const MARK_INTERVAL_MS = 250;

/**
 * How late a mark's echo may reach us after its audio played (a network stall, a burst after
 * it). An echo marks its audio as played by when it arrives at the latest, and not before the
 * audio could have played (sent, then queued behind what was sent before it); within this
 * bound the earlier time counts, so a stall on the way back does not make the caller seem to
 * have heard less than they did.
 */
export const MAX_ECHO_DELAY_MS = 250;

/** A mark to send right after the audio it follows. */
export interface MarkInfo {
  /** Short and unique within the call (`m<seq>`): the gateway echoes it when the audio before it has played. */
  name: string;
}

/** Playback state of one agent item. */
export interface ItemPlayback {
  itemId: string;
  /** Model session generation the item belongs to (a replaced session cannot truncate it). */
  generation: number;
  /** Audio forwarded to the gateway (ms). */
  forwardedMs: number;
  /**
   * Audio the caller heard (ms): up to the last acknowledged mark, plus what has played since
   * by the clock, never past the next mark.
   */
  heardMs: number;
}

interface ItemState {
  itemId: string;
  generation: number;
  forwardedMs: number;
  /** Heard for certain: the end of its audio before the last acknowledged mark (or a clear). */
  ackedMs: number;
}

export interface PlaybackTrackerOptions {
  now?: () => number;
  markIntervalMs?: number;
  /** Told after every change to the queue whether audio is waiting to be played (the call's `agentPlaying`). */
  reportPlaying?(playing: boolean): void;
}

/** What Twilio has queued, in order: chunks of audio and the marks between them. */
type Queued =
  | { kind: 'audio'; item: ItemState; startMs: number; durationMs: number; sentAt: number }
  | { kind: 'mark'; name: string };

/**
 * Tracks what the caller has actually heard. Twilio plays queued audio in order in real time
 * and echoes a mark once the audio before it has played (Twilio Media Streams docs, "mark").
 * Forwarded audio is marked about every `MARK_INTERVAL_MS` and at the end of each response
 * (`flush`); an echo settles everything before its mark. The position between two marks is
 * play-out time since the last acknowledged mark played (see `MAX_ECHO_DELAY_MS`), no chunk
 * before it was sent, clamped at the next mark, so a truncation stays accurate to well under
 * one mark interval. After `clear`, the
 * echoes of marks still pending are Twilio's flush, not play-out, and change nothing.
 */
export class PlaybackTracker {
  private seq = 0;
  private queue: Queued[] = [];
  private readonly items = new Map<string, ItemState>();
  /** Audio forwarded since the last mark (ms). */
  private unmarkedMs = 0;
  /** When the audio after the last acknowledged mark started to play, at the earliest. */
  private playFrom = 0;
  private readonly now: () => number;
  private readonly markIntervalMs: number;

  constructor(private readonly options: PlaybackTrackerOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.markIntervalMs = options.markIntervalMs ?? MARK_INTERVAL_MS;
  }

  /** Records a forwarded chunk; returns the mark to send right after it, when one is due. */
  chunkSent(itemId: string, durationMs: number, generation: number): MarkInfo | undefined {
    let item = this.items.get(itemId);
    if (!item) {
      item = { itemId, generation, forwardedMs: 0, ackedMs: 0 };
      this.items.set(itemId, item);
    }
    const sentAt = this.now();
    this.queue.push({ kind: 'audio', item, startMs: item.forwardedMs, durationMs, sentAt });
    item.forwardedMs += durationMs;
    this.unmarkedMs += durationMs;
    this.reportPlaying();
    return this.unmarkedMs >= this.markIntervalMs ? this.flush() : undefined;
  }

  /** Marks the audio forwarded since the last mark (a response ended); undefined when there is none. */
  flush(): MarkInfo | undefined {
    if (this.unmarkedMs === 0) return undefined;
    this.unmarkedMs = 0;
    const mark = { kind: 'mark' as const, name: `m${++this.seq}` };
    this.queue.push(mark);
    return { name: mark.name };
  }

  /**
   * A mark came back. Audio plays in order, so everything before it has played. Returns false
   * for a mark that is not outstanding (cleared by a barge-in, or unknown).
   */
  acknowledge(name: string): boolean {
    const index = this.queue.findIndex((q) => q.kind === 'mark' && q.name === name);
    if (index < 0) return false;
    let playedBy = this.playFrom;
    for (const played of this.queue.splice(0, index + 1)) {
      if (played.kind !== 'audio') continue;
      played.item.ackedMs = played.startMs + played.durationMs;
      playedBy = Math.max(playedBy, played.sentAt) + played.durationMs;
    }
    const now = this.now();
    this.playFrom = Math.min(now, Math.max(playedBy, now - MAX_ECHO_DELAY_MS));
    this.reportPlaying();
    return true;
  }

  /** Nothing forwarded is waiting to be played. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  hasUnplayed(itemId: string): boolean {
    return this.queue.some((q) => q.kind === 'audio' && q.item.itemId === itemId);
  }

  /** Items with audio still queued at the gateway, the one playing now first. */
  unplayed(): ItemPlayback[] {
    const ids = new Set<string>();
    for (const q of this.queue) if (q.kind === 'audio') ids.add(q.item.itemId);
    const heard = this.heardNow();
    return [...ids].map((id) => this.snapshot(this.items.get(id) as ItemState, heard));
  }

  item(itemId: string): ItemPlayback | undefined {
    const item = this.items.get(itemId);
    return item && this.snapshot(item, this.heardNow());
  }

  /**
   * Barge-in: the gateway drops unplayed audio. What played until now counts as heard; the
   * echoes of marks still pending mean nothing.
   */
  clear(): void {
    for (const [item, heardMs] of this.heardNow()) item.ackedMs = heardMs;
    this.queue = [];
    this.unmarkedMs = 0;
    this.reportPlaying();
  }

  private reportPlaying(): void {
    this.options.reportPlaying?.(!this.idle);
  }

  private snapshot(item: ItemState, heard: Map<ItemState, number>): ItemPlayback {
    const { itemId, generation, forwardedMs, ackedMs } = item;
    return { itemId, generation, forwardedMs, heardMs: heard.get(item) ?? ackedMs };
  }

  /**
   * The position of each item playing since the last acknowledged mark, by the clock: each
   * chunk plays once the one before it has and not before it was sent; nothing past the next
   * mark counts (its echo has not come).
   */
  private heardNow(): Map<ItemState, number> {
    const now = this.now();
    const heard = new Map<ItemState, number>();
    let clock = this.playFrom;
    for (const q of this.queue) {
      if (q.kind === 'mark') break;
      const start = Math.max(clock, q.sentAt);
      if (start >= now) break;
      const playedMs = Math.min(q.durationMs, now - start);
      heard.set(q.item, q.startMs + Math.floor(playedMs));
      clock = start + q.durationMs;
    }
    return heard;
  }
}
