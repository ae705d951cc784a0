import { parseArgs } from 'node:util';
import type { LevelPlan } from '../load/schedule.js';
import type { SystemName } from '../systems/system-under-test.js';
import { BUNCHED_DEFAULTS, bunched, SMOOTH, type TrafficShape, trafficNames } from '../traffic/shape.js';

/** What `npm run bench -- …` asked for. */
export interface BenchOptions {
  /** Concurrent calls per level, climbed in order until a level breaks. */
  levels: number[];
  systems: SystemName[];
  /** Every level runs under each of these shapes (smooth first), for each system. */
  traffic: TrafficShape[];
  plan: LevelPlan;
  /** Bisection steps between the last level that held and the first that broke. */
  refineSteps: number;
  /** Run every listed level even after one broke (its CPU per call-minute still counts). */
  everyLevel: boolean;
  /** Calls of the short unreported level each system runs first (0: none). */
  warmUpCalls: number;
  /** Levels that would end past this (ms from the start) are not started. */
  budgetMs: number;
  /** Where the JSON results go; undefined → `bench/results/<YYYY-MM-DD>.json`. */
  out: string | undefined;
  /** Profile the gateway and media-bridge at this many calls instead of climbing. */
  profileCalls: number | undefined;
  /** A short run (`--quick`): its results file is named apart from a full run's. */
  quick: boolean;
  /** Neither wait for a quiet machine before a level nor re-run a crowded one (the smoke test). */
  ignoreOtherLoad: boolean;
  help: boolean;
}

export const USAGE = `npm run bench -- [options]

  --levels 10,50,100   concurrent calls per level (default 10,50,100,200,400,800)
  --hold 15            measured window per level, seconds (default 15)
  --ramp 50            webhooks per second while a level ramps up (default 50)
  --systems ours,baseline   which systems to climb (default both)
  --traffic smooth,bunched  traffic shapes every level runs under (default both)
  --phases 4           bunched: instants per 20 ms frame at which all callers' frames leave (default 4)
  --jitter-ms 2        bunched: each caller frame leaves up to this much after its phase (default 2)
  --model-speed 4      bunched: the fake model streams its answer this many times real time (default 4)
  --refine 2           bisection steps between the last level that held and the first that broke
  --every-level        go on through the listed levels after one broke (per-level CPU at each)
  --budget 780         seconds of levels at most (default 780: the whole run stays under 15 minutes)
  --warm-up 10         calls of a short unreported level per system before the climb (0: none)
  --quick              levels 10,50, a 5 s window, no refinement (both shapes): about three minutes
  --out FILE           results JSON (default bench/results/<YYYY-MM-DD>.json, -quick.json with --quick)
  --profile 100        profile the gateway and media-bridge (CPU) at this many calls, then summarise
  --ignore-other-load  start levels at once and keep levels other programs crowded (smoke runs)
`;

const DEFAULT_LEVELS = [10, 50, 100, 200, 400, 800];
const DEFAULT_HOLD_S = 15;
const QUICK_HOLD_S = 5;
const QUICK_LEVELS = [10, 50];
/** Both shapes double the levels: 13 minutes of levels keeps the whole run under 15. */
const DEFAULT_BUDGET_S = 780;
const DEFAULT_WARM_UP_CALLS = 10;
const MS_PER_SECOND = 1_000;
const FRAME_MS = 20;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      levels: { type: 'string' },
      hold: { type: 'string' },
      ramp: { type: 'string' },
      systems: { type: 'string' },
      traffic: { type: 'string' },
      phases: { type: 'string' },
      'jitter-ms': { type: 'string' },
      'model-speed': { type: 'string' },
      refine: { type: 'string' },
      'every-level': { type: 'boolean', default: false },
      'warm-up': { type: 'string' },
      budget: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      profile: { type: 'string' },
      'ignore-other-load': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const holdS = positive('hold', values.hold, quick ? QUICK_HOLD_S : DEFAULT_HOLD_S);
  return {
    levels: values.levels
      ? values.levels.split(',').map((n) => count('levels', n, 0, 1))
      : quick
        ? QUICK_LEVELS
        : DEFAULT_LEVELS,
    systems: values.systems ? values.systems.split(',').map(systemName) : ['ours', 'baseline'],
    traffic: trafficShapes(values),
    plan: {
      rampPerSecond: positive('ramp', values.ramp, 50),
      settleMs: 2_000,
      holdMs: holdS * MS_PER_SECOND,
      drainMs: 1_000,
      bargeSpreadMs: 2_000,
      afterBargeMs: 2_500,
    },
    refineSteps: count('refine', values.refine, quick ? 0 : 2),
    everyLevel: values['every-level'] === true,
    warmUpCalls: count('warm-up', values['warm-up'], DEFAULT_WARM_UP_CALLS),
    budgetMs: positive('budget', values.budget, DEFAULT_BUDGET_S) * MS_PER_SECOND,
    out: values.out,
    profileCalls: values.profile === undefined ? undefined : count('profile', values.profile, 0, 1),
    quick,
    ignoreOtherLoad: values['ignore-other-load'] === true,
    help: values.help === true,
  };
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${text}"`);
  return value;
}

/** A whole number of at least `min`. */
function count(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  return value;
}

function trafficShapes(values: {
  traffic?: string | undefined;
  phases?: string | undefined;
  'jitter-ms'?: string | undefined;
  'model-speed'?: string | undefined;
}): TrafficShape[] {
  const names = values.traffic ? values.traffic.split(',').map(trafficName) : [...trafficNames];
  const shaped = bunched({
    phases: count('phases', values.phases, BUNCHED_DEFAULTS.phases, 1),
    jitterMs: nonNegative('jitter-ms', values['jitter-ms'], BUNCHED_DEFAULTS.jitterMs),
    modelSpeed: positive('model-speed', values['model-speed'], BUNCHED_DEFAULTS.modelSpeed),
  });
  if (shaped.jitterMs >= FRAME_MS) throw new Error(`--jitter-ms must be under a frame (${FRAME_MS} ms)`);
  return trafficNames
    .filter((name) => names.includes(name))
    .map((name) => (name === 'smooth' ? SMOOTH : shaped));
}

function trafficName(text: string): TrafficShape['name'] {
  const name = trafficNames.find((n) => n === text);
  if (name) return name;
  throw new Error(`--traffic takes smooth and/or bunched, got "${text}"`);
}

function nonNegative(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || text.trim() === '')
    throw new Error(`--${name} must be a number ≥ 0, got "${text}"`);
  return value;
}

function systemName(text: string): SystemName {
  if (text === 'ours' || text === 'baseline') return text;
  throw new Error(`--systems takes ours and/or baseline, got "${text}"`);
}
