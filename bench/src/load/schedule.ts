import type { Window } from '../stats/frame-tally.js';

/** How every level is paced (the same for both systems). */
export interface LevelPlan {
  /** Webhooks per second while calls ramp up (staggered, as real traffic arrives). */
  rampPerSecond: number;
  /** After the last webhook, before the window opens: the last calls finish setting up. */
  settleMs: number;
  /** The measured window. */
  holdMs: number;
  /** After the window, before anything else happens: late frames of the window arrive. */
  drainMs: number;
  /** Barge-ins are spread over this long (one per call). */
  bargeSpreadMs: number;
  /** After the last barge-in, before hanging up: the caller's turn, the tool call, the reply. */
  afterBargeMs: number;
}

/** One level's timeline on the monotonic clock, shared by the callers and the fake model. */
export interface LevelSchedule {
  calls: number;
  startAtMs: number;
  rampIntervalMs: number;
  window: Window;
  /** Call `i` barges in at `bargeAtMs + i * bargeStepMs`. */
  bargeAtMs: number;
  bargeStepMs: number;
  hangUpAtMs: number;
}

/**
 * Each call's webhook is moved by a fraction of a 20 ms frame, spread evenly by the golden
 * ratio: calls placed exactly one frame apart would all send their frames in the same instant,
 * a burst every 20 ms that real calls (arriving at random moments) never make.
 */
const FRAME_MS = 20;
const GOLDEN_RATIO_FRACTION = (Math.sqrt(5) - 1) / 2;

/** When call `index` of a level dials. */
export function callStartMs(schedule: LevelSchedule, index: number): number {
  const phase = (index * GOLDEN_RATIO_FRACTION) % 1;
  return schedule.startAtMs + index * schedule.rampIntervalMs + phase * FRAME_MS;
}

/** Gives the processes time to receive the schedule before the first webhook. */
const LEAD_IN_MS = 500;
/** Hanging up, the status callbacks and the services letting go (budget estimate only). */
const WIND_DOWN_ESTIMATE_MS = 4_000;

export function planLevel(calls: number, plan: LevelPlan, nowMs: number): LevelSchedule {
  const rampIntervalMs = 1_000 / plan.rampPerSecond;
  const startAtMs = nowMs + LEAD_IN_MS;
  const fromMs = startAtMs + calls * rampIntervalMs + FRAME_MS + plan.settleMs;
  const toMs = fromMs + plan.holdMs;
  const bargeAtMs = toMs + plan.drainMs;
  const bargeStepMs = calls > 1 ? plan.bargeSpreadMs / (calls - 1) : 0;
  return {
    calls,
    startAtMs,
    rampIntervalMs,
    window: { fromMs, toMs },
    bargeAtMs,
    bargeStepMs,
    hangUpAtMs: bargeAtMs + plan.bargeSpreadMs + plan.afterBargeMs,
  };
}

/** About how long a level takes from its first webhook to its last hang-up (for the time budget). */
export function estimateLevelMs(calls: number, plan: LevelPlan): number {
  const schedule = planLevel(calls, plan, 0);
  return schedule.hangUpAtMs + WIND_DOWN_ESTIMATE_MS;
}
