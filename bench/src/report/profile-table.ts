import type { ProfileSummary } from '../profile/summarise-profile.js';
import type { LevelResult } from './results.js';

const US_PER_MS = 1_000;
const CATEGORY_WIDTH = 52;
const FUNCTIONS_SHOWN = 10;

/**
 * Where each profiled process spent its CPU over the window, per media frame: the frames
 * are both directions' (a caller frame in, an agent frame and its mark out, the mark's echo).
 */
export function profileTable(result: LevelResult, profiles: readonly ProfileSummary[]): string {
  const frames = result.callerToModel.sent + result.modelToCaller.sent;
  const perFrame = (ms: number) => (frames > 0 ? ((ms * US_PER_MS) / frames).toFixed(1) : '–');
  const lines: string[] = [];
  for (const profile of profiles) {
    lines.push(
      `${profile.process}: ${profile.busyMs} ms of CPU over ${result.windowSeconds} s, ` +
        `${frames} media frames (both ways) → ${perFrame(profile.busyMs)} µs per frame`,
    );
    for (const c of profile.categories) {
      lines.push(
        `  ${c.category.padEnd(CATEGORY_WIDTH)}${`${c.percent}%`.padStart(7)}${`${perFrame(c.ms)} µs`.padStart(12)}`,
      );
    }
    lines.push('  top functions (self time):');
    for (const f of profile.topFunctions.slice(0, FUNCTIONS_SHOWN)) {
      lines.push(`    ${`${f.percent}%`.padStart(6)}  ${f.name} (${f.where})`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
