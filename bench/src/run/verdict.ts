import type { DirectionResult, LevelResult } from '../report/results.js';

/** The capacity criterion: the added one-way latency at p99 stays under this, both ways. */
export const P99_LIMIT_MS = 20;

/** Why a level did not hold (empty when it held): lost or reordered frames, p99, failed calls. */
export function verdictReasons(result: Omit<LevelResult, 'verdict'>): string[] {
  const reasons: string[] = [];
  const failed = Object.values(result.failures).reduce((sum, count) => sum + count, 0);
  if (failed > 0) reasons.push(`${failed} call(s) failed`);
  const direction = (name: string, d: DirectionResult) => {
    if (d.received === 0) reasons.push(`${name}: no frames`);
    if (d.lost > 0) reasons.push(`${name}: ${d.lost} lost`);
    if (d.reordered > 0) reasons.push(`${name}: ${d.reordered} reordered`);
    if (d.duplicates > 0) reasons.push(`${name}: ${d.duplicates} duplicated`);
    if ((d.latency.p99 ?? 0) >= P99_LIMIT_MS) reasons.push(`${name}: p99 ${d.latency.p99} ms`);
  };
  direction('caller→model', result.callerToModel);
  direction('model→caller', result.modelToCaller);
  return reasons;
}
