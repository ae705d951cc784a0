import { z } from 'zod';
import { monotonicMs } from '../clock.js';
import { callersReportSchema, type LoopLag, modelReportSchema, modelStatusSchema } from '../load/ipc.js';
import type { LoadProcess } from '../load/rpc.js';
import { estimateLevelMs, type LevelPlan, planLevel } from '../load/schedule.js';
import { sleepUntil } from '../load/timing.js';
import { waitForQuietMachine } from '../measure/machine-quiet.js';
import { cpuPressureStallMs, machineCpuMs } from '../measure/proc.js';
import { type ProcessGroup, sampleGroups } from '../measure/process-group.js';
import type { ToolProber } from '../measure/tool-prober.js';
import type { LevelResult } from '../report/results.js';
import { mediaPathCpuPerCallMinute } from '../report/table.js';
import type { SystemUnderTest } from '../systems/system-under-test.js';
import { waitUntil } from '../systems/wait-until.js';
import type { TrafficShape } from '../traffic/shape.js';
import { bargeIn, callerToModel, modelToCaller, round, usage } from './level-result.js';
import { verdictReasons } from './verdict.js';

/** What every level needs: the two load processes, the plan, and the harness's own processes. */
export interface BenchContext {
  callers: LoadProcess;
  model: LoadProcess;
  plan: LevelPlan;
  harnessGroups: ProcessGroup[];
  toolProber: ToolProber | undefined;
  /** Called when the window opens and when it closes (the CPU profiler's switch). */
  onWindowEdge?: (edge: 'open' | 'close') => void;
  /** Hands out the stream keys of a level's calls: unique across the run, so no level reads another's frames. */
  keys: StreamKeys;
  /** Wait for a quiet machine before each level, and run a level crowded by other load again. */
  avoidOtherLoad: boolean;
}

/** Stream keys for the frame markers, `calls` at a time. */
export class StreamKeys {
  private next = 0;

  /** The first of `calls` consecutive keys. */
  take(calls: number): number {
    const first = this.next;
    this.next += calls;
    return first;
  }
}

const IDLE_TIMEOUT_MS = 20_000;
const COMMAND_TIMEOUT_MS = 10_000;
/** Beyond the level's own length, how long the callers may take to report. */
const LEVEL_REPORT_SLACK_MS = 60_000;
const MS_PER_SECOND = 1_000;

/**
 * One level against one system: waits until nothing is left of the previous level, ramps the
 * calls up, measures the window (frames both ways, CPU and memory of every process, event-loop
 * delay, the tool round trip), lets every call barge in once, hangs up, and assembles the result.
 * The traffic shape decides how the caller frames leave and how fast the fake model speaks.
 */
export async function runLevel(
  ctx: BenchContext,
  system: SystemUnderTest,
  calls: number,
  traffic: TrafficShape,
): Promise<LevelResult> {
  await waitForQuiet(ctx, system);
  const groups = [...system.groups, ...ctx.harnessGroups];
  const idle = sampleGroups(groups);
  const schedule = planLevel(calls, ctx.plan, monotonicMs());
  await ctx.model.request(
    { type: 'arm', window: schedule.window, modelSpeed: traffic.modelSpeed },
    z.null(),
    COMMAND_TIMEOUT_MS,
  );
  const keyBase = ctx.keys.take(calls);
  const callersDone = ctx.callers.request(
    { type: 'run-level', target: system.target, schedule, keyBase, traffic },
    callersReportSchema,
    estimateLevelMs(calls, ctx.plan) + LEVEL_REPORT_SLACK_MS,
  );
  // Awaited below; a rejection before then must not count as unhandled.
  callersDone.catch(() => undefined);

  await sleepUntil(schedule.window.fromMs);
  const openedAt = monotonicMs();
  const start = sampleGroups(groups);
  const machineStart = machineCpuMs();
  const stallStart = cpuPressureStallMs();
  await Promise.all(system.lagProbes.map((probe) => probe.read()));
  if (system.hasTools) ctx.toolProber?.start();
  ctx.onWindowEdge?.('open');

  await sleepUntil(schedule.window.toMs);
  const end = sampleGroups(groups);
  const machineEnd = machineCpuMs();
  const stallEnd = cpuPressureStallMs();
  const windowMs = monotonicMs() - openedAt;
  ctx.onWindowEdge?.('close');
  const lags = await Promise.all(
    system.lagProbes.map(async (probe) => [probe.role, await probe.read()] as const),
  );
  const toolDirect = system.hasTools && ctx.toolProber ? await ctx.toolProber.stop() : null;

  const callersReport = await callersDone;
  const modelReport = await ctx.model.request({ type: 'collect' }, modelReportSchema, COMMAND_TIMEOUT_MS);
  const processes = usage(groups, { idle, start, end }, calls, windowMs);
  const attributedMs = processes.reduce((sum, p) => sum + p.cpuSeconds * MS_PER_SECOND, 0);
  const partial: Omit<LevelResult, 'verdict'> = {
    system: system.name,
    traffic: traffic.name,
    calls,
    windowSeconds: round(windowMs / MS_PER_SECOND, 2),
    connected: callersReport.connected,
    failures: callersReport.failures,
    callerToModel: callerToModel(callersReport, modelReport),
    modelToCaller: modelToCaller(callersReport, modelReport),
    setup: callersReport.setup,
    bargeIn: bargeIn(callersReport, modelReport),
    toolViaModel: system.hasTools ? { ...modelReport.tool, unanswered: modelReport.toolUnanswered } : null,
    toolDirect,
    processes,
    mediaPathCpuPerCallMinute: round(mediaPathCpuPerCallMinute(processes), 4),
    machineCpuPercent: round(
      ((machineEnd.busyMs - machineStart.busyMs) / Math.max(1, machineEnd.totalMs - machineStart.totalMs)) *
        100,
      1,
    ),
    unattributedCores: round(
      Math.max(0, machineEnd.busyMs - machineStart.busyMs - attributedMs) / windowMs,
      2,
    ),
    cpuPressurePercent:
      stallStart === undefined || stallEnd === undefined
        ? null
        : round(((stallEnd - stallStart) / windowMs) * 100, 1),
    eventLoopLag: {
      ...Object.fromEntries(lags),
      callers: callersReport.loopLag,
      'fake-model': modelReport.loopLag,
    } satisfies Record<string, LoopLag>,
  };
  const reasons = verdictReasons(partial);
  return { ...partial, verdict: { held: reasons.length === 0, reasons } };
}

/**
 * Nothing of the previous level is left (no model session open, no call held by the system),
 * and the machine is quiet: a level starts on idle cores.
 */
async function waitForQuiet(ctx: BenchContext, system: SystemUnderTest): Promise<void> {
  await waitUntil(async () => {
    const status = await ctx.model.request({ type: 'status' }, modelStatusSchema, COMMAND_TIMEOUT_MS);
    return status.liveSessions === 0;
  }, IDLE_TIMEOUT_MS);
  await system.waitIdle(IDLE_TIMEOUT_MS);
  if (ctx.avoidOtherLoad) await waitForQuietMachine();
}
