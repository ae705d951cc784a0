import { z } from 'zod';

/** One message the outbox decided to publish, as a journal line keeps it. */
export interface JournalEntry {
  seq: number;
  subject: string;
  msgId: string;
  data: Uint8Array;
}

const messageLine = z.object({
  seq: z.number().int().positive(),
  subject: z.string().min(1),
  msgId: z.string().min(1),
  data: z.string(),
});
const ackLine = z.object({ ack: z.number().int().nonnegative() });

/** What one line says: a message, or that every message up to `ack` was stored by JetStream. */
export type JournalLine = { kind: 'message'; entry: JournalEntry } | { kind: 'ack'; upTo: number };

export function messageLineOf(entry: JournalEntry): string {
  const data = Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength).toString(
    'base64',
  );
  return `${JSON.stringify({ seq: entry.seq, subject: entry.subject, msgId: entry.msgId, data })}\n`;
}

export function ackLineOf(upTo: number): string {
  return `${JSON.stringify({ ack: upTo })}\n`;
}

/** Reads one line back; undefined when it is not a line this journal writes (cut short, corrupt). */
export function parseJournalLine(text: string): JournalLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const ack = ackLine.safeParse(value);
  if (ack.success) return { kind: 'ack', upTo: ack.data.ack };
  const message = messageLine.safeParse(value);
  if (!message.success) return undefined;
  const { data, ...rest } = message.data;
  return { kind: 'message', entry: { ...rest, data: new Uint8Array(Buffer.from(data, 'base64')) } };
}
