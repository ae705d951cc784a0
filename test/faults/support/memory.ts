import { readFile } from 'node:fs/promises';

const KIB = 1_024;

/** Resident memory of a process, from `/proc/<pid>/status` (bytes). Linux only, as this machine is. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * KIB;
}
