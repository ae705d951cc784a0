import { type ChildProcess, fork } from 'node:child_process';
import { z } from 'zod';

/**
 * Request/reply between the orchestrator and a load process over the fork IPC channel: the
 * child announces itself with `ready`, then answers each `{ id, command }` with `{ id, ok, … }`.
 */
const readyEnvelope = z.object({ type: z.literal('ready'), info: z.unknown() });
const replyEnvelope = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);
const requestEnvelope = z.object({ id: z.number(), command: z.unknown() });

const READY_TIMEOUT_MS = 30_000;

/** The child's side: announce `info`, then run each command through `handle`. */
export function serveParent<C>(
  commandSchema: z.ZodType<C>,
  handle: (command: C) => Promise<unknown>,
  info: unknown,
): void {
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (raw: unknown) => {
    const request = requestEnvelope.safeParse(raw);
    if (!request.success) return;
    const { id } = request.data;
    const command = commandSchema.safeParse(request.data.command);
    if (!command.success) {
      send({ id, ok: false, error: `bad command: ${command.error.message}` });
      return;
    }
    handle(command.data).then(
      (result) => send({ id, ok: true, result }),
      (error: unknown) =>
        send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The orchestrator is gone: nothing else would ever end this process.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', info });
}

/** The orchestrator's handle on one load process. */
export class LoadProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (raw: unknown) => {
      const reply = replyEnvelope.safeParse(raw);
      if (!reply.success) return;
      const waiter = this.pending.get(reply.data.id);
      this.pending.delete(reply.data.id);
      if (reply.data.ok) waiter?.resolve(reply.data.result);
      else waiter?.reject(new Error(`${name}: ${reply.data.error}`));
    });
    void this.exited.then((code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} exited (code ${code})`));
      this.pending.clear();
    });
  }

  /** Forks `modulePath` and waits for its `ready`, whose info is parsed with `infoSchema`. */
  static async start<I>(
    name: string,
    modulePath: string,
    infoSchema: z.ZodType<I>,
  ): Promise<{ process: LoadProcess; info: I }> {
    const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const info = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      child.once('exit', (code) => reject(new Error(`${name} exited (code ${code}) before it was ready`)));
      child.on('message', (raw: unknown) => {
        const ready = readyEnvelope.safeParse(raw);
        if (!ready.success) return;
        clearTimeout(timer);
        resolve(ready.data.info);
      });
    });
    return { process: new LoadProcess(name, child), info: infoSchema.parse(info) };
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Sends a command; resolves with its result parsed by `resultSchema`. */
  async request<R>(command: unknown, resultSchema: z.ZodType<R>, timeoutMs: number): Promise<R> {
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.child.send({ id, command });
    });
    try {
      return resultSchema.parse(await result);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks the process to stop; kills it if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.request({ type: 'stop' }, z.unknown(), timeoutMs).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
