import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@voice/testkit/process';
import { providedPostgresServer } from '@voice/testkit/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from './report/results-file.js';

const benchMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const RUN_TIMEOUT_MS = 150_000;

/**
 * A tiny run of the real harness (built `dist/main.js`), so it cannot rot: 2 calls, a 2 s
 * window, both systems, both traffic shapes. It asserts that the numbers are there and make
 * sense, never how good they are: this machine may be busy with other suites.
 */
describe('npm run bench (smoke)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it(
    'measures both systems under both traffic shapes at one level and writes the results file',
    async () => {
      const out = join(directory, 'results.json');
      const postgres = providedPostgresServer();
      const run = await startProcess({
        name: 'bench',
        command: process.execPath,
        args: [
          benchMain,
          ...['--levels', '2', '--hold', '2', '--refine', '0', '--warm-up', '0'],
          // Other suites run beside this one: waiting for a quiet machine would only slow it down.
          '--ignore-other-load',
          ...['--out', out],
        ],
        env: postgres ? { TEST_DATABASE_URL: postgres.adminUrl } : {},
      });
      const exit = await run.exited;
      // Every failure below names what the run printed: a busy machine can fail it.
      const printed = run.outputTail(60);
      expect(exit.code, printed).toBe(0);
      for (const traffic of ['smooth', 'bunched']) {
        const block = (line: string) => line.includes(`── 2 concurrent calls, ${traffic} traffic`);
        expect(run.lines.some(block), printed).toBe(true);
        const headline = (line: string) => line.trimStart().startsWith(traffic) && line.includes('ours/bare');
        expect(run.lines.some(headline), printed).toBe(true);
      }

      const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
      expect(results.levels.map((l) => `${l.traffic} ${l.system}`).sort()).toEqual([
        'bunched baseline',
        'bunched ours',
        'smooth baseline',
        'smooth ours',
      ]);
      for (const level of results.levels) {
        expect(level.connected, `${level.traffic} ${level.system}\n${printed}`).toBe(2);
        for (const direction of [level.callerToModel, level.modelToCaller]) {
          expect(direction.received).toBeGreaterThan(0);
          expect(direction.received).toBeLessThanOrEqual(direction.sent);
          expect(direction.unmarked).toBe(0);
          expect(direction.latency.p50).toBeGreaterThan(0);
          expect(direction.latency.max).toBeGreaterThanOrEqual(direction.latency.p99 ?? 0);
        }
        expect(level.setup.n).toBe(2);
        expect(level.bargeIn.n + level.bargeIn.missed).toBe(2);
        expect(level.processes.find((p) => p.role === 'callers')?.cpuSeconds).toBeGreaterThan(0);
        expect(level.mediaPathCpuPerCallMinute).toBeGreaterThan(0);
      }
      // The fast model sends several times the agent frames of the smooth one in the same window.
      const downSent = (traffic: string) =>
        results.levels.find((l) => l.traffic === traffic && l.system === 'ours')?.modelToCaller.sent ?? 0;
      expect(downSent('bunched'), printed).toBeGreaterThan(2 * downSent('smooth'));
      const ours = results.levels.find((l) => l.system === 'ours');
      expect(ours?.processes.map((p) => p.role)).toEqual(expect.arrayContaining(['gateway', 'media-bridge']));
      expect(ours?.toolViaModel?.n).toBeGreaterThan(0);
      expect(ours?.toolDirect?.latency.n).toBeGreaterThan(0);
      const baseline = results.levels.find((l) => l.system === 'baseline');
      expect(baseline?.processes.map((p) => p.role)).toContain('bare-relay');
      expect(results.ratios).toHaveLength(2);
      expect(results.mediaPathCpuPerCallMinuteByLevel.map((r) => [r.traffic, r.calls])).toEqual([
        ['smooth', 2],
        ['bunched', 2],
      ]);
      for (const row of results.mediaPathCpuPerCallMinuteByLevel) expect(row.ratio).toBeGreaterThan(0);
      expect(results.capacities).toHaveLength(4);
    },
    RUN_TIMEOUT_MS,
  );
});
