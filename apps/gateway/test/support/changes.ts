import { EventEmitter } from 'node:events';

/** Something tests wait on: `waitFor` re-checks its predicate on every `changed()`. */
export class Changes {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  changed(): void {
    this.emitter.emit('change');
  }

  waitFor(predicate: () => boolean, description: string, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.emitter.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.emitter.off('change', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      this.emitter.on('change', check);
    });
  }
}
