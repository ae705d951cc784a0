import { FRAME_BYTES } from './mulaw.js';

type Item = { kind: 'audio'; bytes: Buffer; offset: number } | { kind: 'mark'; name: string };

/** Audio that played during one frame, with the time it started playing. */
export interface HeardChunk {
  /** Milliseconds since the call was placed. */
  at: number;
  bytes: Buffer;
}

/**
 * Twilio's outbound buffer for one stream: agent audio plays in order at real-time pace
 * (160 bytes per 20 ms frame); a mark is echoed once the audio queued before it has played;
 * `clear` drops whatever has not played and echoes the pending marks at once.
 */
export class PlaybackBuffer {
  private readonly queue: Item[] = [];

  constructor(private readonly echoMark: (name: string) => void) {}

  /** Unplayed audio, in bytes. */
  get pendingBytes(): number {
    let total = 0;
    for (const item of this.queue) if (item.kind === 'audio') total += item.bytes.length - item.offset;
    return total;
  }

  enqueueAudio(bytes: Buffer): void {
    if (bytes.length > 0) this.queue.push({ kind: 'audio', bytes, offset: 0 });
  }

  enqueueMark(name: string): void {
    this.queue.push({ kind: 'mark', name });
    this.echoLeadingMarks();
  }

  /** Drops the unplayed audio and echoes every pending mark; returns the bytes dropped. */
  clear(): number {
    const dropped = this.pendingBytes;
    const marks = this.queue.filter((item) => item.kind === 'mark');
    this.queue.length = 0;
    for (const mark of marks) this.echoMark(mark.name);
    return dropped;
  }

  /** Plays one frame's worth; returns what played (empty when nothing was queued). */
  playFrame(): Buffer {
    const played: Buffer[] = [];
    let budget = FRAME_BYTES;
    this.echoLeadingMarks();
    while (budget > 0) {
      const head = this.queue[0];
      if (head?.kind !== 'audio') break;
      const take = Math.min(budget, head.bytes.length - head.offset);
      played.push(head.bytes.subarray(head.offset, head.offset + take));
      head.offset += take;
      budget -= take;
      if (head.offset === head.bytes.length) {
        this.queue.shift();
        this.echoLeadingMarks();
      }
    }
    return Buffer.concat(played);
  }

  private echoLeadingMarks(): void {
    while (this.queue[0]?.kind === 'mark') {
      const mark = this.queue.shift() as { kind: 'mark'; name: string };
      this.echoMark(mark.name);
    }
  }
}
