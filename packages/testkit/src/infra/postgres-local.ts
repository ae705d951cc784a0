import { readdirSync } from 'node:fs';
import { chown, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from '../process/find-executable.js';
import { freePort } from '../process/free-port.js';
import { describeExit, startProcess } from '../process/start-process.js';
import type { PostgresServer } from './postgres-server.js';
import { type OsAccount, postgresRunAsAccount } from './run-as-postgres-user.js';
import { makeServerDir, STOP_SIGNAL, sweepStaleServers } from './server-dirs.js';

const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const INSTALL_HINT = 'install PostgreSQL (apt-get install postgresql) or set TEST_DATABASE_URL';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * A private, throwaway Postgres cluster in a temp dir on a free port: trust auth for user
 * `postgres`, durability off (fsync, synchronous_commit, full_page_writes) because test data
 * is disposable and speed matters. stop() shuts it down and deletes the dir. It dies with the
 * process that started it, and the leftovers of a dead one are swept first.
 */
export async function startLocalPostgres(): Promise<PostgresServer> {
  const initdb = findExecutable('initdb', postgresBinDirs(), INSTALL_HINT);
  const postgres = findExecutable('postgres', postgresBinDirs(), INSTALL_HINT);
  const account = await postgresRunAsAccount();
  await sweepStaleServers();
  const dir = await makeServerDir('pg');
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    if (account !== undefined) await chown(dir, account.uid, account.gid);
    const dataDir = join(dir, 'data');
    await initCluster(initdb, dataDir, dir, account);

    const port = await freePort();
    const server = await startProcess({
      name: `postgres :${port}`,
      command: postgres,
      args: [
        ['-D', dataDir],
        ['-p', String(port)],
        ['-k', dir],
        ['-c', 'listen_addresses=127.0.0.1'],
        ['-c', 'fsync=off'],
        ['-c', 'synchronous_commit=off'],
        ['-c', 'full_page_writes=off'],
      ].flat(),
      cwd: dir,
      parentDeathSignal: STOP_SIGNAL.pg,
      ...account,
    });
    try {
      await server.waitForLine(/database system is ready to accept connections/, READY_TIMEOUT_MS);
    } catch (error) {
      await server.kill();
      throw error;
    }
    return {
      adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      source: 'local-binaries',
      stop: async () => {
        await server.stop(STOP_SIGNAL.pg, STOP_TIMEOUT_MS);
        await removeDir();
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}

async function initCluster(
  initdb: string,
  dataDir: string,
  cwd: string,
  account: OsAccount | undefined,
): Promise<void> {
  const run = await startProcess({
    name: 'initdb',
    command: initdb,
    // A fixed locale keeps server messages (which readiness is detected from) in English.
    args: [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '--no-instructions',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    cwd,
    ...account,
  });
  const exit = await run.exited;
  if (exit.code !== 0) {
    throw new Error(`initdb failed (${describeExit(exit)}) for ${dataDir}; last lines:\n${run.outputTail()}`);
  }
}

/** Debian/Ubuntu keep the server binaries off PATH, one dir per major version; newest first. */
function postgresBinDirs(): string[] {
  let versions: string[];
  try {
    versions = readdirSync(DEBIAN_POSTGRES_ROOT);
  } catch {
    return [];
  }
  return versions
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(DEBIAN_POSTGRES_ROOT, version, 'bin'));
}
