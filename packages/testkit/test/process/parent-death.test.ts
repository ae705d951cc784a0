import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/process/find-executable.js';
import {
  type CommandLine,
  freePort,
  type ManagedProcess,
  startProcess,
  withParentDeathSignal,
} from '../../src/process/index.js';
import { isRunning } from '../../src/process/proc-table.js';

const fixture = fileURLToPath(new URL('../fixtures/spawn-and-wait.mjs', import.meta.url));
const SETPRIV = '/usr/bin/setpriv';
const GONE_WITHIN_MS = 15_000;

/** Polls the process table: a process ending has no event to wait on from outside its parent. */
async function stoppedWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid) && Date.now() < deadline) await delay(50);
  return !isRunning(pid);
}

describe('withParentDeathSignal', () => {
  const parents: ManagedProcess[] = [];
  const orphans: number[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(parents.splice(0).map((parent) => parent.kill()));
    for (const pid of orphans.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** A private nats-server started by a stand-in worker; returns the worker and the server's pid. */
  async function natsServerOf(line: (server: CommandLine) => CommandLine) {
    const storeDir = await mkdtemp(join(tmpdir(), 'parent-death-test-'));
    dirs.push(storeDir);
    const server: CommandLine = {
      command: findExecutable('nats-server', ['/usr/sbin'], 'apt-get install nats-server'),
      args: ['-a', '127.0.0.1', '-p', String(await freePort()), '-js', '-sd', storeDir],
    };
    const wrapped = line(server);
    const parent = await startProcess({
      name: 'stand-in worker',
      command: process.execPath,
      args: [fixture, JSON.stringify([wrapped.command, ...wrapped.args])],
    });
    parents.push(parent);
    const pid = Number((await parent.waitForLine(/^child \d+$/, 10_000)).split(' ')[1]);
    orphans.push(pid);
    return { parent, pid };
  }

  it('runs the command under setpriv with the signal, keeping its arguments', () => {
    expect(existsSync(SETPRIV)).toBe(true);
    expect(
      withParentDeathSignal({ command: '/usr/sbin/nats-server', args: ['-p', '4222'] }, 'SIGTERM'),
    ).toEqual({
      command: SETPRIV,
      args: ['--pdeathsig', 'SIGTERM', '--', '/usr/sbin/nats-server', '-p', '4222'],
    });
  });

  it('ends a nats-server whose parent is SIGKILLed, as a crashed test worker is', async () => {
    const { parent, pid } = await natsServerOf((server) => withParentDeathSignal(server, 'SIGTERM'));
    expect(isRunning(pid)).toBe(true);
    await parent.kill();
    expect(await stoppedWithin(pid, GONE_WITHIN_MS)).toBe(true);
  });

  it('without it, the same server outlives its killed parent (what leaked before)', async () => {
    const { parent, pid } = await natsServerOf((server) => server);
    await parent.kill();
    expect(await stoppedWithin(pid, 1_000)).toBe(false);
  });
});
