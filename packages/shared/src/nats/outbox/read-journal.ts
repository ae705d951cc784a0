import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logging/index.js';
import { SEGMENT_PATTERN } from './journal.js';
import { type JournalEntry, parseJournalLine } from './journal-record.js';

/** Where an adopted journal is moved inside its adopter's directory. */
export const ADOPTED_DIR = 'adopted';

/**
 * The messages a journal directory still owes JetStream, oldest first: those of journals it had
 * adopted itself (a crash mid-adoption leaves them there), then its own unacknowledged ones.
 * A line that cannot be read (a write cut short) is skipped and logged, never fatal.
 */
export function readPending(dir: string, logger: Logger): JournalEntry[] {
  const adopted = join(dir, ADOPTED_DIR);
  const inherited = listDir(adopted).flatMap((name) => readPending(join(adopted, name), logger));
  return [...inherited, ...readOwnPending(dir, logger)];
}

function readOwnPending(dir: string, logger: Logger): JournalEntry[] {
  const messages: JournalEntry[] = [];
  let acked = 0;
  for (const name of listDir(dir).filter((n) => SEGMENT_PATTERN.test(n))) {
    const path = join(dir, name);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (text === '') return;
      const line = parseJournalLine(text);
      if (!line) {
        logger.warn({ file: path, line: index + 1 }, 'outbox journal: skipped an unreadable line');
      } else if (line.kind === 'ack') {
        acked = Math.max(acked, line.upTo);
      } else {
        messages.push(line.entry);
      }
    });
  }
  return messages.filter((entry) => entry.seq > acked);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
