import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type ManagedProcess, startProcess } from '../../src/process/index.js';
import { isAlive } from '../support/processes.js';

const fixture = fileURLToPath(new URL('../fixtures/child-server.mjs', import.meta.url));

describe('startProcess', () => {
  const started: ManagedProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((child) => child.kill()));
  });

  async function startFixture(mode: string, extra: { readyTimeoutMs?: number; maxLines?: number } = {}) {
    const port = await freePort();
    const child = await startProcess({
      name: `fixture-${mode}`,
      command: 'node',
      args: [fixture],
      env: { FIXTURE_MODE: mode, PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health`,
      ...extra,
    });
    started.push(child);
    return { child, port };
  }

  it('resolves once the ready URL answers 200 and captures stdout and stderr lines', async () => {
    const { child, port } = await startFixture('serve');
    expect(isAlive(child.pid)).toBe(true);
    expect(child.lines).toEqual(
      expect.arrayContaining(['starting in serve mode', 'a line on stderr', `listening on ${port}`]),
    );
  });

  it('waitForLine matches lines already printed and lines printed later, by RegExp or predicate', async () => {
    const { child, port } = await startFixture('serve');
    await expect(child.waitForLine(/^listening on \d+$/, 5_000)).resolves.toBe(`listening on ${port}`);

    const byRegExp = child.waitForLine(/later-\d/, 30_000);
    const byPredicate = child.waitForLine((line) => line.endsWith('-2'), 30_000);
    await fetch(`http://127.0.0.1:${port}/say?line=later-1`);
    await fetch(`http://127.0.0.1:${port}/say?line=later-2`);
    await expect(byRegExp).resolves.toBe('later-1');
    await expect(byPredicate).resolves.toBe('later-2');
  });

  it('waitForLine rejects with the recent output when no line matches in time', async () => {
    const { child } = await startFixture('serve');
    await expect(child.waitForLine(/never printed/, 200)).rejects.toThrow(
      /fixture-serve: no output line matched \/never printed\/ within 200 ms; last lines:\n(.|\n)*listening on/,
    );
  });

  it('stop() sends SIGTERM and resolves with the exit code once the process is gone', async () => {
    const { child } = await startFixture('serve');
    await expect(child.stop()).resolves.toEqual({ code: 0, signal: null });
    expect(isAlive(child.pid)).toBe(false);
    expect(child.lines).toContain('received SIGTERM, shutting down');
    await expect(child.exited).resolves.toEqual({ code: 0, signal: null });
    await expect(child.stop()).resolves.toEqual({ code: 0, signal: null });
  });

  it('stop() escalates to SIGKILL when the process ignores SIGTERM past the timeout', async () => {
    const { child } = await startFixture('stubborn');
    await expect(child.stop('SIGTERM', 1_000)).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.lines).toContain('ignoring SIGTERM');
  });

  it('kill() ends the process with SIGKILL', async () => {
    const { child } = await startFixture('serve');
    await expect(child.kill()).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(child.pid)).toBe(false);
  });

  it('keeps only the most recent maxLines lines', async () => {
    const port = await freePort();
    const child = await startProcess({
      name: 'bounded',
      command: 'node',
      args: [fixture],
      env: { FIXTURE_MODE: 'chatty', PORT: String(port) },
      maxLines: 10,
    });
    started.push(child);
    await child.waitForLine(/^listening on/, 30_000);
    expect(child.lines).toHaveLength(10);
    expect(child.lines.at(-1)).toBe(`listening on ${port}`);
    expect(child.lines).toContain('line 40');
    expect(child.lines).not.toContain('line 30');
  });

  it('rejects with the last 30 output lines and kills the process when readiness times out', async () => {
    const port = await freePort();
    const attempt = startProcess({
      name: 'never-healthy',
      command: 'node',
      args: [fixture],
      env: { FIXTURE_MODE: 'chatty', PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyTimeoutMs: 3_000,
    });
    const error = (await attempt.catch((reason: unknown) => reason)) as Error;
    expect(error.message).toMatch(
      /never-healthy was not ready: http:\/\/127\.0\.0\.1:\d+\/health did not answer 200 within 3000 ms \(process killed\)/,
    );
    expect(error.message).toContain('line 40');
    expect(error.message).toContain(`listening on ${port}`);
    expect(error.message).not.toMatch(/line 10\b/);
    await expect(connectionRefused(port)).resolves.toBe(true);
  });

  it('rejects with the exit code and output when the process exits before it is ready', async () => {
    const port = await freePort();
    await expect(
      startProcess({
        name: 'broken',
        command: 'node',
        args: [fixture],
        env: { FIXTURE_MODE: 'exit-early', PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/health`,
      }),
    ).rejects.toThrow(
      /broken exited \(code 2\) before .* answered 200; last lines:\n(.|\n)*fatal: configuration is missing/,
    );
  });

  it('rejects with the command named when the executable does not exist', async () => {
    await expect(startProcess({ name: 'ghost', command: '/nonexistent/bin/ghost' })).rejects.toThrow(
      /ghost: could not start \/nonexistent\/bin\/ghost: .*ENOENT/,
    );
  });
});

describe('freePort', () => {
  it('returns a port that can be listened on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

/** Nothing listens on the port any more (the killed process released it). */
async function connectionRefused(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`);
    return false;
  } catch {
    return true;
  }
}
