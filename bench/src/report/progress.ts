import type { LevelResult } from './results.js';

const ms = (value: number | null) => (value === null ? '–' : value.toFixed(2));

/** One line per level as it finishes, so a long run shows where it is. */
export function progressLine(result: LevelResult): string {
  const who = result.system === 'ours' ? 'ours      ' : 'bare relay';
  const up = result.callerToModel;
  const down = result.modelToCaller;
  return (
    `${result.traffic.padEnd(7)} ${who} ${String(result.calls).padStart(4)} calls: ` +
    `↑ p99 ${ms(up.latency.p99)} ms, ↓ p99 ${ms(down.latency.p99)} ms, ` +
    `lost ${up.lost + down.lost}, reordered ${up.reordered + down.reordered}, ` +
    `set-up p50 ${ms(result.setup.p50)} ms, machine ${result.machineCpuPercent.toFixed(0)}% — ` +
    `${result.verdict.held ? 'held' : `broke (${result.verdict.reasons.join('; ')})`}`
  );
}
