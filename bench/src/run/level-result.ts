import type { CallersReport, ModelReport } from '../load/ipc.js';
import type { GroupSample, ProcessGroup } from '../measure/process-group.js';
import type { DirectionResult, LevelResult, ProcessUsage } from '../report/results.js';
import { lostFrames, totalOf } from '../stats/frame-tally.js';
import { summarise } from '../stats/summary.js';

/** Turning what the callers, the fake model and `/proc` reported into a level's result. */

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60_000;
const BYTES_PER_MB = 1_024 * 1_024;

export function callerToModel(callers: CallersReport, model: ModelReport): DirectionResult {
  return {
    latency: model.arrivals.latency,
    sent: totalOf(callers.sent),
    received: totalOf(model.arrivals.received),
    lost: lostFrames(callers.sent, model.arrivals.received),
    reordered: model.arrivals.reordered,
    duplicates: model.arrivals.duplicates,
    unmarked: model.arrivals.unmarked,
  };
}

export function modelToCaller(callers: CallersReport, model: ModelReport): DirectionResult {
  return {
    latency: callers.arrivals.latency,
    sent: totalOf(model.sent),
    received: totalOf(callers.arrivals.received),
    lost: lostFrames(model.sent, callers.arrivals.received),
    reordered: callers.arrivals.reordered,
    duplicates: callers.arrivals.duplicates,
    unmarked: callers.arrivals.unmarked,
  };
}

/** Joins the model's `speech_started` times with the callers' `clear` arrivals by call key. */
export function bargeIn(callers: CallersReport, model: ModelReport): LevelResult['bargeIn'] {
  const clears = new Map(callers.clears);
  const reactions: number[] = [];
  let missed = 0;
  for (const [callKey, startedAt] of model.speechStarted) {
    const clearedAt = clears.get(callKey);
    if (clearedAt === undefined) missed++;
    else reactions.push(clearedAt - startedAt);
  }
  return { ...summarise(reactions), missed };
}

export function usage(
  groups: readonly ProcessGroup[],
  samples: { idle: Map<string, GroupSample>; start: Map<string, GroupSample>; end: Map<string, GroupSample> },
  calls: number,
  windowMs: number,
): ProcessUsage[] {
  return groups.flatMap((group) => {
    const start = samples.start.get(group.role);
    const end = samples.end.get(group.role);
    if (!start || !end) return [];
    const cpuSeconds = (end.cpuMs - start.cpuMs) / MS_PER_SECOND;
    const idleRss = samples.idle.get(group.role)?.rssBytes;
    return [
      {
        role: group.role,
        owner: group.owner,
        mediaPath: group.mediaPath === true,
        cpuSeconds: round(cpuSeconds, 3),
        corePercent: round((cpuSeconds * MS_PER_SECOND * 100) / windowMs, 1),
        cpuSecondsPerCallMinute: round(cpuSeconds / ((calls * windowMs) / MS_PER_MINUTE), 4),
        rssMb: end.rssBytes === undefined ? null : round(end.rssBytes / BYTES_PER_MB, 1),
        rssPerCallMb:
          end.rssBytes === undefined || idleRss === undefined
            ? null
            : round((end.rssBytes - idleRss) / BYTES_PER_MB / calls, 3),
      },
    ];
  });
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
