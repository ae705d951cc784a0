import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LevelResult } from '../report/results.js';
import { type BenchContext, runLevel } from '../run/level-runner.js';
import type { SystemUnderTest } from '../systems/system-under-test.js';
import { waitUntil } from '../systems/wait-until.js';
import { SMOOTH } from '../traffic/shape.js';
import { type ProfileSummary, summariseProfile } from './summarise-profile.js';

/** The processes on the media path that are profiled. */
const PROFILED_ROLES = ['gateway', 'media-bridge'] as const;
const PROFILE_WRITE_TIMEOUT_MS = 15_000;

/**
 * One level against the real system with the CPU profiler of the gateway and the media-bridge
 * running over exactly the measured window (SIGUSR2 to the preload at the window's edges); then
 * where their time went, by category and by function.
 */
export async function profileMediaPath(
  ctx: BenchContext,
  system: SystemUnderTest,
  calls: number,
  directory: string,
): Promise<{ result: LevelResult; profiles: ProfileSummary[] }> {
  const targets = PROFILED_ROLES.flatMap((role) => {
    const group = system.groups.find((g) => g.role === role);
    return group ? [{ role, pid: group.pid }] : [];
  });
  const result = await runLevel(
    {
      ...ctx,
      onWindowEdge: () => {
        for (const { pid } of targets) process.kill(pid, 'SIGUSR2');
      },
    },
    system,
    calls,
    SMOOTH,
  );
  const files = targets.map(({ role, pid }) => ({ role, path: join(directory, `${pid}.cpuprofile`) }));
  await waitUntil(async () => files.every((file) => existsSync(file.path)), PROFILE_WRITE_TIMEOUT_MS);
  const profiles = files
    .filter((file) => existsSync(file.path))
    .map((file) => summariseProfile(file.path, file.role));
  return { result, profiles };
}
