import type { FakeRealtimeHooks, FakeRealtimeSession } from '@voice/testkit/openai';
import type { SimulatedCall } from '@voice/testkit/twilio';

/**
 * Which of the fake model's lines the caller heard, from the audio itself: every 20 ms frame
 * of agent audio is stamped with the number of the line it belongs to (the fake's `said` of
 * the response producing it). A stamp is `0xFB 0xFE` and the number in two nibbles, twice at
 * the start of each frame, so any 20 ms the caller hears holds a whole one wherever Twilio's
 * frames fall. Stamp bytes are near-silent mu-law values; the rest of the frame stays speech.
 */
const MAGIC = [0xfb, 0xfe] as const;
const STAMP_BYTES = 4;
const FRAME_BYTES = 160;
const BYTES_PER_MS = 8;
const QUIET_HIGH_NIBBLE = 0xf0;
const MAX_LINES = 255;

/** A run of one line in what the caller heard. */
export interface HeardLine {
  line: string;
  /** Call time of its first frame (ms since dialling). */
  at: number;
  /** Audio of it the caller heard (ms). */
  heardMs: number;
}

export class HeardLines {
  private readonly lines: string[] = [];

  /** The fake model hook that stamps each delta (pass in the fake server's options). */
  readonly hooks: Pick<FakeRealtimeHooks, 'outputAudio'> = {
    outputAudio: (session, chunk) => this.stamp(session, chunk),
  };

  /** The lines the caller heard, in order, each with how much of it was heard. */
  heard(call: SimulatedCall): HeardLine[] {
    const runs: HeardLine[] = [];
    for (const chunk of call.heard) {
      const code = readStamp(chunk.bytes);
      const line = code === undefined ? undefined : this.lines[code - 1];
      if (line === undefined) continue;
      const last = runs.at(-1);
      if (last?.line === line) last.heardMs += chunk.bytes.length / BYTES_PER_MS;
      else runs.push({ line, at: chunk.at, heardMs: chunk.bytes.length / BYTES_PER_MS });
    }
    return runs;
  }

  private stamp(session: FakeRealtimeSession, chunk: Buffer): Buffer {
    const said = session.activeResponse?.said;
    if (said === undefined) return chunk;
    const out = Buffer.from(chunk);
    const code = this.codeOf(said);
    for (let frame = 0; frame + 2 * STAMP_BYTES <= out.length; frame += FRAME_BYTES) {
      writeStamp(out, frame, code);
      writeStamp(out, frame + STAMP_BYTES, code);
    }
    return out;
  }

  private codeOf(line: string): number {
    let index = this.lines.indexOf(line);
    if (index < 0) {
      if (this.lines.length >= MAX_LINES) throw new Error('too many distinct lines to stamp');
      index = this.lines.push(line) - 1;
    }
    return index + 1;
  }
}

function writeStamp(out: Buffer, at: number, code: number): void {
  out[at] = MAGIC[0];
  out[at + 1] = MAGIC[1];
  out[at + 2] = QUIET_HIGH_NIBBLE | (code >> 4);
  out[at + 3] = QUIET_HIGH_NIBBLE | (code & 0x0f);
}

function readStamp(bytes: Buffer): number | undefined {
  for (let i = 0; i + STAMP_BYTES <= bytes.length; i++) {
    if (bytes[i] !== MAGIC[0] || bytes[i + 1] !== MAGIC[1]) continue;
    const high = bytes[i + 2] as number;
    const low = bytes[i + 3] as number;
    if ((high & 0xf0) !== QUIET_HIGH_NIBBLE || (low & 0xf0) !== QUIET_HIGH_NIBBLE) continue;
    return ((high & 0x0f) << 4) | (low & 0x0f);
  }
  return undefined;
}
