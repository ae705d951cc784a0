import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The first executable `name` on PATH, else in `fallbackDirs` (server binaries often live off
 * a normal user's PATH: /usr/sbin, /usr/lib/postgresql/<version>/bin). Throws naming every place looked.
 */
export function findExecutable(name: string, fallbackDirs: readonly string[], installHint: string): string {
  const found = locateExecutable(name, fallbackDirs);
  if (found === undefined) {
    throw new Error(`${name} not found on PATH or in ${fallbackDirs.join(', ')}; ${installHint}`);
  }
  return found;
}

/** The same search; undefined when there is no such executable. */
export function locateExecutable(name: string, fallbackDirs: readonly string[]): string | undefined {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return [...pathDirs, ...fallbackDirs].map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
