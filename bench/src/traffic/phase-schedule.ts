/** Twilio's frame: the period the phases divide. */
const FRAME_MS = 20;

/** When a bunched level's frames may leave: `phases` instants per frame from `originMs`, plus jitter. */
export interface PhasePlan {
  originMs: number;
  phases: number;
  jitterMs: number;
}

/**
 * When a caller frame handed over at `nowMs` leaves: at the next instant of its call's phase
 * (`phase` of `plan.phases`, evenly spaced within the 20 ms frame), moved later by a random
 * share of the jitter. `random` returns [0, 1), seeded in tests.
 */
export function releaseAtMs(nowMs: number, phase: number, plan: PhasePlan, random: () => number): number {
  const offsetMs = ((phase % plan.phases) * FRAME_MS) / plan.phases;
  const framesSince = Math.ceil((nowMs - plan.originMs - offsetMs) / FRAME_MS);
  const instantMs = plan.originMs + offsetMs + framesSince * FRAME_MS;
  return instantMs + random() * plan.jitterMs;
}

/** A small seeded generator (mulberry32): the same seed gives the same jitter. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
