import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ADOPTED_DIR } from './read-journal.js';

const LOCK_FILE = 'owner.lock';
/** The owner touches its lock this often, so an owner on another host can be told dead by silence. */
const HEARTBEAT_MS = 5_000;
/** A lock untouched for this long belongs to a dead process (used where its pid cannot be checked). */
export const STALE_LOCK_MS = 60_000;

const lockSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  boot: z.string().optional(),
});

/** This boot of the machine (Linux): a pid from an earlier boot is dead whoever holds that number now. */
const bootId = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
})();

/** Directories owned by outboxes alive in this process (they share the pid, so the pid cannot tell). */
const ownedHere = new Set<string>();

/** A directory this process owns under a service's outbox root. */
export interface ProcessDir {
  path: string;
  /** Stops the heartbeat and lets another outbox (of this process or the next one) adopt the directory. */
  release(): void;
}

/** Creates this process's own directory with its lock (pid and host) and keeps the lock fresh. */
export function claimProcessDir(serviceDir: string): ProcessDir {
  const name = `${hostname()}-${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const path = join(serviceDir, name);
  mkdirSync(path, { recursive: true });
  const lock = join(path, LOCK_FILE);
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), boot: bootId }));
  ownedHere.add(path);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(lock, now, now);
    } catch {
      // Moved by an adopter that judged this process dead; nothing left to keep fresh.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    path,
    release() {
      clearInterval(heartbeat);
      ownedHere.delete(path);
    },
  };
}

/** Sibling directories whose owner is dead: a crashed replica, or this process's previous life. */
export function abandonedSiblings(serviceDir: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(serviceDir).sort();
  } catch {
    return [];
  }
  return names.map((name) => join(serviceDir, name)).filter((path) => isAbandoned(path, now));
}

function isAbandoned(path: string, now: number): boolean {
  if (ownedHere.has(path)) return false;
  const lockPath = join(path, LOCK_FILE);
  let lock: z.infer<typeof lockSchema> | undefined;
  let touched: number;
  try {
    if (!statSync(path).isDirectory()) return false;
    touched = statSync(lockPath).mtimeMs;
    lock = lockSchema.safeParse(JSON.parse(readFileSync(lockPath, 'utf8'))).data;
  } catch {
    // No readable lock: a process killed while creating it, unless it is being created right now.
    return safeMtime(path) < now - STALE_LOCK_MS;
  }
  const stale = touched < now - STALE_LOCK_MS;
  // Another host's pid (or another container's pid namespace) says nothing here: only silence does.
  if (!lock || lock.host !== hostname()) return stale;
  if (lock.boot !== undefined && lock.boot !== bootId) return true;
  // This pid is this process: an outbox of it that is not alive (closed, or a previous life with the same pid).
  return lock.pid === process.pid || !pidAlive(lock.pid);
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves an abandoned directory into ours, so it is ours alone (rename is atomic: of two replicas
 * adopting at once, one wins) and a crash before it is relayed leaves it for our successor.
 * Returns its new path, or undefined when another process took it first.
 */
export function adoptInto(own: ProcessDir, abandoned: string): string | undefined {
  const target = join(own.path, ADOPTED_DIR, basename(abandoned));
  mkdirSync(join(own.path, ADOPTED_DIR), { recursive: true });
  try {
    renameSync(abandoned, target);
    return target;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
