import { childrenOf, cpuTimeMs, residentBytes } from './proc.js';

/**
 * A role in the run (the gateway, the NATS server, Postgres, the simulated callers, …) and
 * the processes that play it. CPU is counted for the whole group; memory only where one
 * process's resident set means something (not for Postgres, whose backends share buffers).
 */
export interface ProcessGroup {
  role: string;
  /** Which system it belongs to: ours, the bare relay, or the benchmark harness itself. */
  owner: 'ours' | 'baseline' | 'harness';
  pid: number;
  /** A server that forks a process per connection (Postgres): count its children's CPU too. */
  withChildren?: boolean;
  /** Report resident memory (per live call). */
  memory: boolean;
  /** On the media path (caller ⇄ model): counted in the system's CPU per call-minute. */
  mediaPath?: boolean;
}

/** One reading of a group: CPU so far (ms) and resident memory (bytes, where it is reported). */
export interface GroupSample {
  cpuMs: number;
  rssBytes: number | undefined;
}

export function sampleGroup(group: ProcessGroup): GroupSample | undefined {
  const own = cpuTimeMs(group.pid, group.withChildren === true);
  if (own === undefined) return undefined;
  let cpuMs = own;
  if (group.withChildren) for (const child of childrenOf(group.pid)) cpuMs += cpuTimeMs(child) ?? 0;
  return { cpuMs, rssBytes: group.memory ? residentBytes(group.pid) : undefined };
}

export function sampleGroups(groups: readonly ProcessGroup[]): Map<string, GroupSample> {
  const samples = new Map<string, GroupSample>();
  for (const group of groups) {
    const sample = sampleGroup(group);
    if (sample) samples.set(group.role, sample);
  }
  return samples;
}
