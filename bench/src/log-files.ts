import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** One log file per service process, so the terminal shows only the benchmark. */
export class LogFiles {
  private readonly streams = new Map<string, WriteStream>();

  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  write(name: string, line: string): void {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = createWriteStream(join(this.directory, `${name}.log`), { flags: 'w' });
      this.streams.set(name, stream);
    }
    stream.write(`${line}\n`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((s) => new Promise((resolve) => s.end(resolve))));
  }
}
