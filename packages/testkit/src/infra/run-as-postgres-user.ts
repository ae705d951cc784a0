import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** An OS account to run a process as. */
export interface OsAccount {
  uid: number;
  gid: number;
}

/**
 * Postgres refuses to run as root, so as root the cluster runs as the `postgres` OS account;
 * any other user runs it as itself (undefined: no switch).
 */
export async function postgresRunAsAccount(): Promise<OsAccount | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
    return { uid, gid };
  } catch (error) {
    throw new Error(
      `Postgres refuses to run as root and the 'postgres' OS account was not found to run it as: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await execFileAsync('id', [flag, 'postgres']);
  return Number.parseInt(stdout.trim(), 10);
}
