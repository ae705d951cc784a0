import { MULAW_SILENCE } from '../audio/mulaw.js';
import { FRAME_BYTES } from './mulaw.js';
import { readWavAsMulaw } from './wav.js';

interface Utterance {
  bytes: Buffer;
  offset: number;
  done: () => void;
}

/** What the simulated caller says: queued utterances, silence (0xFF) in between. */
export class CallerAudio {
  private readonly queue: Utterance[] = [];

  /**
   * Queues mu-law bytes, or a WAV file (mu-law 8 kHz, or 16-bit PCM at 8/16 kHz). Resolves when
   * the last frame of it has been sent.
   */
  say(audio: Uint8Array | string): Promise<void> {
    const bytes = typeof audio === 'string' ? readWavAsMulaw(audio) : Buffer.from(audio);
    return new Promise((resolve) => {
      if (bytes.length === 0) return resolve();
      this.queue.push({ bytes, offset: 0, done: resolve });
    });
  }

  /** Whether the caller is speaking (anything queued and unsent). */
  get speaking(): boolean {
    return this.queue.length > 0;
  }

  /** The next 20 ms frame: queued speech, padded with silence. */
  nextFrame(): Buffer {
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    let filled = 0;
    while (filled < FRAME_BYTES) {
      const head = this.queue[0];
      if (!head) break;
      const take = Math.min(FRAME_BYTES - filled, head.bytes.length - head.offset);
      head.bytes.copy(frame, filled, head.offset, head.offset + take);
      head.offset += take;
      filled += take;
      if (head.offset === head.bytes.length) {
        this.queue.shift();
        head.done();
      }
    }
    return frame;
  }

  /** Forgets what was not said (the call ended); pending `say` promises resolve. */
  reset(): void {
    for (const utterance of this.queue.splice(0)) utterance.done();
  }
}
