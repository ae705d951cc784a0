import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JetStreamClient } from '@nats-io/jetstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../logging/index.js';
import { JetStreamOutbox, type OutboxOptions } from './jetstream-outbox.js';
import { messageLineOf } from './journal-record.js';
import { STALE_LOCK_MS } from './process-dir.js';

const quiet = createLogger({ service: 'outbox-test', level: 'silent' });
const bytes = (text: string) => new TextEncoder().encode(text);

/** JetStream as the outbox sees it: down (every publish fails) or up, de-duplicating by msgID. */
function fakeJetStream() {
  const stored: Array<{ subject: string; msgId: string; data: string }> = [];
  const waiters: Array<() => void> = [];
  const state = { up: true, attempts: 0 };
  const js = {
    async publish(subject: string, data: Uint8Array, options: { msgID: string }) {
      state.attempts++;
      if (!state.up) throw new Error('no responders');
      const duplicate = stored.some((m) => m.msgId === options.msgID);
      if (!duplicate) stored.push({ subject, msgId: options.msgID, data: new TextDecoder().decode(data) });
      for (const wake of waiters.splice(0)) wake();
      return { duplicate, seq: stored.length, stream: 'CALLS' };
    },
  };
  return {
    js: js as unknown as JetStreamClient,
    stored,
    state,
    /** Resolves once `count` distinct messages are stored. */
    storedAtLeast: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (stored.length >= count ? resolve() : waiters.push(check));
        check();
      }),
    /** Resolves once the outbox has tried (and failed) at least `count` publishes. */
    attempted: async (count: number) => {
      while (state.attempts < count) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

/** A journal directory as a process of `host`/`pid` would have left it. */
function leftBehind(
  serviceDir: string,
  name: string,
  lock: { pid: number; host: string; boot?: string },
  msgIds: string[],
) {
  const dir = join(serviceDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'owner.lock'), JSON.stringify(lock));
  const lines = msgIds.map((msgId, i) =>
    messageLineOf({ seq: i + 1, subject: 's', msgId, data: bytes(msgId) }),
  );
  writeFileSync(join(dir, 'segment-000000001.jsonl'), lines.join(''));
  return dir;
}

describe('JetStreamOutbox', () => {
  let root: string;
  const serviceDir = () => join(root, 'svc');
  const open: JetStreamOutbox[] = [];
  const outbox = (options: Partial<OutboxOptions> & Pick<OutboxOptions, 'js'>) => {
    const created = new JetStreamOutbox({
      logger: quiet,
      root,
      service: 'svc',
      maxBackoffMs: 10,
      ...options,
    });
    open.push(created);
    return created;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'outbox-test-'));
  });
  afterEach(() => {
    for (const o of open.splice(0)) o.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('resolves once JetStream stored the message, and leaves no journal after a clean close', async () => {
    const jet = fakeJetStream();
    const box = outbox({ js: jet.js });
    await Promise.all(['a', 'b', 'c'].map((id) => box.publish(`s.${id}`, bytes(id), id)));
    expect(jet.stored.map((m) => m.msgId)).toEqual(['a', 'b', 'c']);
    expect(box.pending).toBe(0);
    box.close();
    expect(readdirSync(serviceDir())).toEqual([]);
  });

  it('keeps what JetStream never stored on disk; the next outbox of the service relays it once, in order', async () => {
    const jet = fakeJetStream();
    jet.state.up = false;
    const first = outbox({ js: jet.js });
    for (const id of ['e1', 'e2', 'e3']) void first.publish('s', bytes(id), id);
    await jet.attempted(1);
    expect(first.pending).toBe(3);
    first.close();
    expect(readdirSync(serviceDir())).toHaveLength(1);

    jet.state.up = true;
    const second = outbox({ js: jet.js });
    await jet.storedAtLeast(3);
    await second.flush(5_000);
    expect(jet.stored.map((m) => [m.msgId, m.data])).toEqual([
      ['e1', 'e1'],
      ['e2', 'e2'],
      ['e3', 'e3'],
    ]);
    // The first life's directory was adopted and deleted; only the second's own remains.
    expect(readdirSync(serviceDir())).toHaveLength(1);
  });

  it('relays adopted messages before new ones', async () => {
    const jet = fakeJetStream();
    leftBehind(serviceDir(), 'crashed', { pid: deadPid(), host: hostname() }, ['old1', 'old2']);
    const box = outbox({ js: jet.js });
    await box.publish('s', bytes('new'), 'new');
    expect(jet.stored.map((m) => m.msgId)).toEqual(['old1', 'old2', 'new']);
  });

  it('adopts the directory of a dead pid on this host, never that of a live one', async () => {
    const jet = fakeJetStream();
    const dead = leftBehind(serviceDir(), 'dead', { pid: deadPid(), host: hostname() }, ['from-dead']);
    const live = leftBehind(serviceDir(), 'live', { pid: process.ppid, host: hostname() }, ['from-live']);
    const box = outbox({ js: jet.js });
    await jet.storedAtLeast(1);
    await box.flush(5_000);
    expect(jet.stored.map((m) => m.msgId)).toEqual(['from-dead']);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('adopts a directory of this host from an earlier boot, whatever process holds its pid now', async () => {
    const jet = fakeJetStream();
    leftBehind(
      serviceDir(),
      'before-reboot',
      { pid: process.ppid, host: hostname(), boot: 'an-earlier-boot' },
      ['rebooted'],
    );
    const box = outbox({ js: jet.js });
    await jet.storedAtLeast(1);
    await box.flush(5_000);
    expect(jet.stored.map((m) => m.msgId)).toEqual(['rebooted']);
  });

  it('adopts another host’s directory only once its lock has gone stale', async () => {
    const jet = fakeJetStream();
    const fresh = leftBehind(serviceDir(), 'fresh', { pid: 1, host: 'other-host' }, ['fresh']);
    const stale = leftBehind(serviceDir(), 'stale', { pid: 1, host: 'other-host' }, ['stale']);
    const old = new Date(Date.now() - 2 * STALE_LOCK_MS);
    utimesSync(join(stale, 'owner.lock'), old, old);
    const box = outbox({ js: jet.js });
    await jet.storedAtLeast(1);
    await box.flush(5_000);
    expect(jet.stored.map((m) => m.msgId)).toEqual(['stale']);
    expect(existsSync(fresh)).toBe(true);
  });

  it('two live outboxes of one service (replicas) keep to their own journals', async () => {
    const jet = fakeJetStream();
    jet.state.up = false;
    const one = outbox({ js: jet.js });
    void one.publish('s', bytes('one'), 'one');
    const two = outbox({ js: jet.js });
    void two.publish('s', bytes('two'), 'two');
    await jet.attempted(2);
    expect([one.pending, two.pending]).toEqual([1, 1]);
    expect(readdirSync(serviceDir())).toHaveLength(2);
  });

  it('refuses (and logs) past its byte budget instead of growing without bound', async () => {
    const jet = fakeJetStream();
    jet.state.up = false;
    const outcomes: string[] = [];
    const box = outbox({ js: jet.js, maxPendingBytes: 10, onOutcome: (o) => outcomes.push(o) });
    void box.publish('s', bytes('12345678'), 'fits');
    await expect(box.publish('s', bytes('345'), 'too-much')).rejects.toThrow(/outbox full/);
    expect(box.pending).toBe(1);
    expect(outcomes).toContain('dropped');
  });

  it('rejects once closed', async () => {
    const box = outbox({ js: fakeJetStream().js });
    box.close();
    await expect(box.publish('s', bytes('x'), 'x')).rejects.toThrow(/closed/);
  });
});
