import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to. */
export interface TcpTarget {
  host: string;
  port: number;
}

/**
 * A TCP forwarder a test can cut, to make a dependency "go down" deterministically for the
 * apps behind it (e.g. Postgres for one suite's apps, without stopping the shared server).
 * `pause()` drops every open connection and refuses new ones (accepts and closes them at once,
 * as a crashed server's host resets them); `resume()` forwards again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private paused = false;

  constructor(private readonly target: TcpTarget) {}

  /** Starts listening on a free port of 127.0.0.1 and returns it. */
  async start(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
    return address.port;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Connections being forwarded right now (each has two sockets). */
  get openConnections(): number {
    return this.sockets.size / 2;
  }

  pause(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.pause();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.paused) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}

/** The same URL (a database URL, typically), reached through a proxy on 127.0.0.1:`port`. */
export function throughProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** Host and port of a URL, as a proxy target (the scheme's default port when none is written). */
export function targetOf(url: string, defaultPort: number): TcpTarget {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : defaultPort };
}
