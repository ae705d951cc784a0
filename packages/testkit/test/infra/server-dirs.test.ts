import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeServerDir, sweepStaleServers } from '../../src/infra/server-dirs.js';
import { findExecutable } from '../../src/process/find-executable.js';
import { freePort, type ManagedProcess, startProcess } from '../../src/process/index.js';

const stubbornChild = fileURLToPath(new URL('../fixtures/child-server.mjs', import.meta.url));

/** The pid of a process that has exited: the owner of a crashed run's leftovers. */
async function deadPid(): Promise<number> {
  const gone = await startProcess({ name: 'short-lived', command: process.execPath, args: ['-e', ''] });
  await gone.exited;
  return gone.pid;
}

describe('sweepStaleServers', () => {
  const roots: string[] = [];
  const started: ManagedProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((child) => child.kill()));
    await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
  });

  async function newRoot(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'sweep-test-'));
    roots.push(root);
    return root;
  }

  it("stops a dead owner's nats-server, removes its dir, and leaves a live owner's dir alone", async () => {
    const root = await newRoot();
    const staleDir = join(root, `testkit-nats-${await deadPid()}-AbC123`);
    await mkdir(staleDir);
    const orphan = await startProcess({
      name: 'orphaned nats-server',
      command: findExecutable('nats-server', ['/usr/sbin'], 'apt-get install nats-server'),
      args: ['-a', '127.0.0.1', '-p', String(await freePort()), '-js', '-sd', staleDir],
    });
    started.push(orphan);
    await orphan.waitForLine(/Server is ready/);
    const liveDir = await makeServerDir('nats', root);
    expect(basename(liveDir)).toMatch(new RegExp(`^testkit-nats-${process.pid}-`));

    expect(await sweepStaleServers({ root })).toEqual([staleDir]);
    // It was asked to stop (its own handler exited), not killed.
    expect((await orphan.exited).signal).toBeNull();
    expect(orphan.lines.some((line) => line.includes('Server Exiting'))).toBe(true);
    expect(existsSync(staleDir)).toBe(false);
    expect(existsSync(liveDir)).toBe(true);
    expect(await sweepStaleServers({ root })).toEqual([]);
  });

  it('kills a leftover that ignores its stop signal once the grace time is over', async () => {
    const root = await newRoot();
    const staleDir = join(root, `testkit-nats-${await deadPid()}-XyZ789`);
    await mkdir(staleDir);
    const port = await freePort();
    const stubborn = await startProcess({
      name: 'stubborn leftover',
      command: process.execPath,
      args: [stubbornChild, staleDir],
      env: { FIXTURE_MODE: 'stubborn', PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    started.push(stubborn);

    expect(await sweepStaleServers({ root, stopTimeoutMs: 500 })).toEqual([staleDir]);
    expect(await stubborn.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stubborn.lines).toContain('ignoring SIGTERM');
  });
});
