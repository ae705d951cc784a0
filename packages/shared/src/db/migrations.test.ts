import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe('committed migrations', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('cover the schema: drizzle-kit generates nothing new from schema.ts', async () => {
    // drizzle-kit only takes an output folder relative to its working directory.
    const out = `.migrations-check-${randomUUID().slice(0, 8)}`;
    const outPath = join(packageDir, out);
    dirs.push(outPath);
    await cp(join(packageDir, 'drizzle'), outPath, { recursive: true });
    const before = await readdir(outPath);
    const { stdout } = await run(
      'npx',
      ['drizzle-kit', 'generate', '--dialect', 'postgresql', '--schema', './src/db/schema.ts', '--out', out],
      { cwd: packageDir, env: { ...process.env, NO_COLOR: '1' } },
    );
    const added = (await readdir(outPath)).filter((f) => !before.includes(f));
    expect(added, `schema.ts changed without a migration; run npm run db:generate\n${stdout}`).toEqual([]);
    expect(stdout).toContain('No schema changes');
  });
});
