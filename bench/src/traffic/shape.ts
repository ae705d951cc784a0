import { z } from 'zod';

/**
 * The traffic a level is driven with. `smooth`: every call's frames at its own instant of the
 * 20 ms frame (golden-ratio spread), the model at real-time pace. `bunched`: every call's
 * caller frames leave in a few shared phases per frame, each moved by a little jitter, and the
 * model streams its answer several times faster than real time, as the real API does.
 */
export const trafficNames = ['smooth', 'bunched'] as const;
export type TrafficName = (typeof trafficNames)[number];

export const trafficShapeSchema = z.object({
  name: z.enum(trafficNames),
  /** Instants per 20 ms frame at which callers' frames leave (null: each call at its own). */
  phases: z.number().int().positive().nullable(),
  /** Each caller frame leaves up to this much after its phase (uniformly random). */
  jitterMs: z.number().nonnegative(),
  /** The fake model's audio production speed as a multiple of real time. */
  modelSpeed: z.number().positive(),
});
export type TrafficShape = z.infer<typeof trafficShapeSchema>;

export const SMOOTH: TrafficShape = { name: 'smooth', phases: null, jitterMs: 0, modelSpeed: 1 };

export const BUNCHED_DEFAULTS = { phases: 4, jitterMs: 2, modelSpeed: 4 } as const;

export function bunched(options: Partial<Omit<TrafficShape, 'name'>> = {}): TrafficShape {
  return { name: 'bunched', ...BUNCHED_DEFAULTS, ...options };
}
