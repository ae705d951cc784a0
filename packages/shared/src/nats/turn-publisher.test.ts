import { describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../logging/index.js';
import type { NatsConnection } from './connection.js';
import { createTurnPublisher } from './turn-publisher.js';

/** A connection that records, per synchronous run, what was handed to `publish`. */
function fakeConnection(options: { refuse?: boolean } = {}) {
  const runs: string[][] = [];
  let current: string[] | undefined;
  let closed = false;
  const nc = {
    publish(subject: string, data: Uint8Array | string) {
      if (options.refuse) throw new Error('connection draining');
      if (!current) {
        current = [];
        runs.push(current);
        queueMicrotask(() => {
          current = undefined;
        });
      }
      current.push(`${subject}:${typeof data === 'string' ? data : new TextDecoder().decode(data)}`);
    },
    isClosed: () => closed,
  } as unknown as NatsConnection;
  return { nc, runs, close: () => (closed = true) };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const silent = createLogger({ service: 'test', level: 'silent' });

describe('createTurnPublisher', () => {
  it('hands what callbacks of one turn published to the client together, in order', async () => {
    const { nc, runs } = fakeConnection();
    const publisher = createTurnPublisher(nc, silent);
    // Three I/O-like callbacks of one turn, each followed by its microtasks.
    await new Promise<void>((resolve) => {
      let left = 3;
      for (const n of [1, 2, 3])
        setImmediate(() => {
          publisher.publish(`media.${n}`, `frame-${n}`);
          publisher.publish('media.ctl', new TextEncoder().encode(`mark-${n}`));
          if (--left === 0) resolve();
        });
    });
    expect(runs).toEqual([]);
    await nextTurn();
    expect(runs).toEqual([
      [
        'media.1:frame-1',
        'media.ctl:mark-1',
        'media.2:frame-2',
        'media.ctl:mark-2',
        'media.3:frame-3',
        'media.ctl:mark-3',
      ],
    ]);
  });

  it('a lone message leaves in the turn it was published in', async () => {
    const { nc, runs } = fakeConnection();
    const publisher = createTurnPublisher(nc, silent);
    publisher.publish('a', 'x');
    await nextTurn();
    expect(runs).toEqual([['a:x']]);
    publisher.publish('b', 'y');
    await nextTurn();
    expect(runs).toEqual([['a:x'], ['b:y']]);
  });

  it('with a window, what several turns published within it leaves together', async () => {
    const { nc, runs } = fakeConnection();
    const publisher = createTurnPublisher(nc, silent, { windowMs: 20 });
    publisher.publish('a', 'x');
    await nextTurn();
    publisher.publish('b', 'y');
    await nextTurn();
    expect(runs).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(runs).toEqual([['a:x', 'b:y']]);
  });

  it('flush sends at once, and nothing twice', async () => {
    const { nc, runs } = fakeConnection();
    const publisher = createTurnPublisher(nc, silent);
    publisher.publish('a', 'x');
    publisher.flush();
    expect(runs).toEqual([['a:x']]);
    await nextTurn();
    expect(runs).toEqual([['a:x']]);
  });

  it('refuses once the connection is closed', () => {
    const { nc, close } = fakeConnection();
    const publisher = createTurnPublisher(nc, silent);
    expect(publisher.publish('a', 'x')).toBe(true);
    close();
    expect(publisher.publish('a', 'y')).toBe(false);
  });

  it('a batch the connection refuses is logged once with its count', async () => {
    const { nc } = fakeConnection({ refuse: true });
    const warnings: unknown[] = [];
    const logger = { ...silent, warn: (fields: unknown) => warnings.push(fields) } as unknown as Logger;
    const publisher = createTurnPublisher(nc, logger);
    publisher.publish('a', 'x');
    publisher.publish('b', 'y');
    await nextTurn();
    expect(warnings).toEqual([expect.objectContaining({ failed: 2 })]);
  });
});
