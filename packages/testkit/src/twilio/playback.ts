import { MULAW_BYTES_PER_MS } from '../audio/mulaw.js';
import { FRAME_BYTES } from './mulaw.js';

/**
 * Audio Twilio buffers at most for a stream: "More than 10 minutes of audio is buffered by the
 * Streamer. No more data is accepted" (warning 31931, twilio.com/docs/api/errors/31931).
 */
export const MAX_BUFFERED_BYTES = 10 * 60 * 1_000 * MULAW_BYTES_PER_MS;

type Item = { kind: 'audio'; bytes: Buffer; offset: number } | { kind: 'mark'; name: string };

/** Audio that played during one frame, with the time it started playing. */
export interface HeardChunk {
  /** Milliseconds since the call was placed. */
  at: number;
  bytes: Buffer;
}

/**
 * Twilio's outbound buffer for one stream, as the Media Streams docs ("WebSocket messages to
 * Twilio": `media`, `mark`, `clear`) and PROTOCOLS.md §3 describe it: agent audio plays in
 * order at real-time pace (8000 bytes/s: 160 bytes per 20 ms frame); a mark is echoed once the
 * audio queued before it has played (at once when nothing is queued before it); `clear` drops
 * whatever has not played and echoes every pending mark at once, in one burst (PROTOCOLS.md,
 * corrections of 2026-12-02). Past ten minutes of buffered audio, more is discarded (31931).
 */
export class PlaybackBuffer {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;

  constructor(private readonly echoMark: (name: string) => void) {}

  /** Unplayed audio, in bytes. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Queues audio to play; false when the buffer is full and it was discarded (31931). */
  enqueueAudio(bytes: Buffer): boolean {
    if (this.queuedBytes + bytes.length > MAX_BUFFERED_BYTES) return false;
    if (bytes.length > 0) this.queue.push({ kind: 'audio', bytes, offset: 0 });
    this.queuedBytes += bytes.length;
    return true;
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
    this.queuedBytes = 0;
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
      this.queuedBytes -= take;
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
