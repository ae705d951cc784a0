import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/**
 * One log file per service instance, so a program that runs the whole system (the demo, the
 * benchmark) keeps its own terminal output readable.
 */
export class LogFiles {
  private readonly streams = new Map<string, WriteStream>();

  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  write(instance: string, line: string): void {
    let stream = this.streams.get(instance);
    if (!stream) {
      stream = createWriteStream(join(this.directory, `${instance}.log`), { flags: 'w' });
      this.streams.set(instance, stream);
    }
    stream.write(`${line}\n`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((s) => new Promise((resolve) => s.end(resolve))));
  }
}
