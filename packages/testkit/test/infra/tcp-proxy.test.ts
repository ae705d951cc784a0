import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy, targetOf, throughProxy } from '../../src/infra/tcp-proxy.js';

/** Sends a line through a fresh connection and resolves with the echo, or the error. */
function roundTrip(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => {
      received += data.toString();
      if (received.endsWith('\n')) socket.end();
    });
    socket.on('error', (error) =>
      resolve(`error: ${(error as NodeJS.ErrnoException).code ?? error.message}`),
    );
    socket.on('close', () => resolve(received || 'closed'));
    socket.write('ping\n');
  });
}

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  let port: number;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    proxy = new TcpProxy({ host: '127.0.0.1', port: address.port });
    port = await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('forwards, cuts open connections and refuses new ones while paused, then forwards again', async () => {
    expect(await roundTrip(port)).toBe('ping\n');

    const held = connect(port, '127.0.0.1');
    await new Promise((resolve) => held.once('connect', resolve));
    await expect.poll(() => proxy.openConnections).toBe(1);
    const cut = new Promise((resolve) => held.once('close', resolve));
    proxy.pause();
    await cut;
    expect(proxy.isPaused).toBe(true);
    expect(await roundTrip(port)).not.toBe('ping\n');

    proxy.resume();
    expect(await roundTrip(port)).toBe('ping\n');
  });

  it('rewrites a URL to go through it, and reads a target from a URL', () => {
    expect(throughProxy('postgres://postgres@db.example:5432/t_1', 40_000)).toBe(
      'postgres://postgres@127.0.0.1:40000/t_1',
    );
    expect(targetOf('postgres://postgres@127.0.0.1/t_1', 5_432)).toEqual({ host: '127.0.0.1', port: 5_432 });
    expect(targetOf('postgres://postgres@10.0.0.2:6543/t_1', 5_432)).toEqual({
      host: '10.0.0.2',
      port: 6_543,
    });
  });
});
