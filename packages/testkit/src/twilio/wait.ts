import type { EventEmitter } from 'node:events';

export interface WaitOptions {
  /** Default 10 s: generous, for a loaded machine. */
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Resolves once `predicate` holds, re-checking it on every `change` the emitter reports. */
export function waitUntil(
  changes: EventEmitter,
  predicate: () => boolean,
  optionsOrTimeoutMs: WaitOptions | number = {},
): Promise<void> {
  if (predicate()) return Promise.resolve();
  const options =
    typeof optionsOrTimeoutMs === 'number' ? { timeoutMs: optionsOrTimeoutMs } : optionsOrTimeoutMs;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const onChange = () => {
      if (!predicate()) return;
      clearTimeout(timer);
      changes.off('change', onChange);
      resolve();
    };
    const timer = setTimeout(() => {
      changes.off('change', onChange);
      reject(
        new Error(`timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}`),
      );
    }, timeoutMs);
    changes.on('change', onChange);
  });
}
