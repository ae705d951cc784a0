import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../logging/index.js';
import { Journal } from './journal.js';
import { readPending } from './read-journal.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** A logger whose warnings a test can read. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'journal-test', level: 'warn' });
  logger.warn = ((obj: Record<string, unknown>, msg: string) => {
    lines.push({ ...obj, msg });
  }) as typeof logger.warn;
  return { logger, lines };
}

describe('outbox journal', () => {
  let dir: string;
  const quiet = createLogger({ service: 'journal-test', level: 'silent' });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what was appended and not acknowledged, in order, data intact', () => {
    const journal = new Journal(dir, { segmentMaxBytes: 1 << 20 });
    const seqs = ['a', 'b', 'c', 'd'].map((id) =>
      journal.append(`calls.events.${id}`, id, bytes(`{"id":"${id}"}`)),
    );
    expect(seqs).toEqual([1, 2, 3, 4]);
    journal.ack(2);
    expect(journal.unacked).toBe(2);

    const pending = readPending(dir, quiet);
    expect(pending.map((e) => [e.seq, e.subject, e.msgId, text(e.data)])).toEqual([
      [3, 'calls.events.c', 'c', '{"id":"c"}'],
      [4, 'calls.events.d', 'd', '{"id":"d"}'],
    ]);
    journal.close();
  });

  it('keeps binary data byte for byte', () => {
    const journal = new Journal(dir, { segmentMaxBytes: 1 << 20 });
    const data = new Uint8Array([0, 255, 10, 13, 34, 92, 128]);
    journal.append('s', 'm', data);
    journal.close();
    expect([...(readPending(dir, quiet)[0]?.data ?? [])]).toEqual([...data]);
  });

  it('rotates segments by size and deletes those whose messages are all acknowledged', () => {
    const journal = new Journal(dir, { segmentMaxBytes: 100 });
    const payload = bytes('x'.repeat(100));
    for (let i = 1; i <= 6; i++) journal.append('s', `m${i}`, payload);
    const segments = () => readdirSync(dir).filter((name) => name.startsWith('segment-'));
    expect(segments().length).toBeGreaterThanOrEqual(6);

    journal.ack(3);
    expect(readPending(dir, quiet).map((e) => e.msgId)).toEqual(['m4', 'm5', 'm6']);
    for (let i = 4; i <= 6; i++) journal.ack(i);
    expect(readPending(dir, quiet)).toEqual([]);
    // Only the segment being written is left.
    expect(segments()).toHaveLength(1);
    journal.close();
  });

  it('skips a line cut short by a crash (logged), keeping every whole line around it', () => {
    const journal = new Journal(dir, { segmentMaxBytes: 1 << 20 });
    journal.append('s', 'first', bytes('1'));
    journal.close();
    const [segment] = readdirSync(dir).filter((name) => name.startsWith('segment-'));
    const path = join(dir, segment as string);
    appendFileSync(path, '{"seq":2,"subject":"s","msgId":"second","da');
    const { logger, lines } = recordingLogger();

    const pending = readPending(dir, logger);

    expect(pending.map((e) => e.msgId)).toEqual(['first']);
    expect(lines).toEqual([expect.objectContaining({ file: path, line: 2 })]);
    expect(readFileSync(path, 'utf8')).toContain('"second"');
  });

  it('skips a corrupt line in the middle and still applies the acknowledgements after it', () => {
    const journal = new Journal(dir, { segmentMaxBytes: 1 << 20 });
    journal.append('s', 'one', bytes('1'));
    journal.close();
    const [segment] = readdirSync(dir).filter((name) => name.startsWith('segment-'));
    const path = join(dir, segment as string);
    appendFileSync(path, 'not json\n{"seq":2,"subject":"s","msgId":"two","data":"Mg=="}\n{"ack":1}\n');
    const { logger, lines } = recordingLogger();

    expect(readPending(dir, logger).map((e) => e.msgId)).toEqual(['two']);
    expect(lines).toHaveLength(1);
  });

  it('reads an empty or missing directory as nothing pending', () => {
    expect(readPending(dir, quiet)).toEqual([]);
    expect(readPending(join(dir, 'absent'), quiet)).toEqual([]);
  });
});
