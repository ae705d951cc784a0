/** What a waited-for output line must satisfy. */
export type LineMatcher = RegExp | ((line: string) => boolean);

/** Turns a matcher into a predicate; `search` ignores a RegExp's `g` flag and `lastIndex` state. */
export function toLinePredicate(matcher: LineMatcher): (line: string) => boolean {
  return typeof matcher === 'function' ? matcher : (line) => line.search(matcher) !== -1;
}

/**
 * The most recent output lines of a process, bounded so a chatty process cannot exhaust memory,
 * with subscribers told of every new line.
 */
export class LineLog {
  readonly #lines: string[] = [];
  readonly #listeners = new Set<(line: string) => void>();

  constructor(readonly capacity: number) {}

  /** The retained lines, oldest first (live view). */
  get lines(): readonly string[] {
    return this.#lines;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.capacity) this.#lines.shift();
    for (const listener of this.#listeners) listener(line);
  }

  /** Registers a listener for lines pushed from now on; returns its unsubscribe function. */
  subscribe(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last `count` lines joined for an error message. */
  tail(count: number): string {
    return this.#lines.slice(-count).join('\n');
  }
}
