/** A mark sent after one chunk of agent audio. */
export interface MarkInfo {
  /** Short and unique within the call (`m<seq>`): the gateway echoes it when the chunk has played. */
  name: string;
  itemId: string;
  /** Milliseconds of this item forwarded up to the end of the chunk. */
  endMs: number;
}

/** Playback state of one agent item. */
export interface ItemPlayback {
  itemId: string;
  /** Model session generation the item belongs to (a replaced session cannot truncate it). */
  generation: number;
  /** Audio forwarded to the gateway (ms). */
  forwardedMs: number;
  /** Audio the caller heard: the end of the last acknowledged mark (ms). */
  heardMs: number;
}

/**
 * Tracks what the caller has actually heard. Every forwarded chunk is followed by a named
 * mark; Twilio echoes a mark once the audio before it has played, so the last echo of an item
 * is exactly how much of it was heard. Marks still out are the audio queued but unplayed.
 */
export class PlaybackTracker {
  private seq = 0;
  private pending: MarkInfo[] = [];
  private readonly items = new Map<string, ItemPlayback>();

  /** Records a forwarded chunk and returns the mark to send right after it. */
  chunkSent(itemId: string, durationMs: number, generation: number): MarkInfo {
    let item = this.items.get(itemId);
    if (!item) {
      item = { itemId, generation, forwardedMs: 0, heardMs: 0 };
      this.items.set(itemId, item);
    }
    item.forwardedMs += durationMs;
    this.seq++;
    const mark = { name: `m${this.seq}`, itemId, endMs: item.forwardedMs };
    this.pending.push(mark);
    return mark;
  }

  /**
   * A mark came back. Audio plays in order, so every earlier mark has played too. Returns
   * false for a mark that is not outstanding (already cleared by a barge-in, or unknown).
   */
  acknowledge(name: string): boolean {
    const index = this.pending.findIndex((m) => m.name === name);
    if (index < 0) return false;
    for (const mark of this.pending.splice(0, index + 1)) {
      const item = this.items.get(mark.itemId);
      if (item) item.heardMs = Math.max(item.heardMs, mark.endMs);
    }
    return true;
  }

  /** Nothing forwarded is waiting to be played. */
  get idle(): boolean {
    return this.pending.length === 0;
  }

  hasUnplayed(itemId: string): boolean {
    return this.pending.some((m) => m.itemId === itemId);
  }

  /** Items with audio still queued at the gateway, the one playing now first. */
  unplayed(): ItemPlayback[] {
    const ids = [...new Set(this.pending.map((m) => m.itemId))];
    return ids.map((id) => this.items.get(id)).filter((i): i is ItemPlayback => i !== undefined);
  }

  item(itemId: string): ItemPlayback | undefined {
    return this.items.get(itemId);
  }

  /** Barge-in: the gateway drops unplayed audio, so the echoes of outstanding marks mean nothing. */
  clear(): void {
    this.pending = [];
  }
}
