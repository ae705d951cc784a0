import { z } from 'zod';
import { trafficShapeSchema } from '../traffic/shape.js';

/**
 * The messages between the orchestrator and its two load processes (the simulated callers and
 * the fake model). Few and small (one per level), so both sides parse them.
 */
export const windowSchema = z.object({ fromMs: z.number(), toMs: z.number() });

export const summarySchema = z.object({
  n: z.number(),
  p50: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
});

const countsSchema = z.array(z.tuple([z.number(), z.number()]));

export const arrivalReportSchema = z.object({
  latency: summarySchema,
  received: countsSchema,
  reordered: z.number(),
  duplicates: z.number(),
  unmarked: z.number(),
});

/** Event-loop delay over the window (ms beyond the timer's own resolution). */
export const loopLagSchema = z.object({ p50: z.number(), p99: z.number(), max: z.number() }).nullable();
/** Event-loop delay of one process over a window (ms), or null when it could not be read. */
export type LoopLag = z.infer<typeof loopLagSchema>;

export const scheduleSchema = z.object({
  calls: z.number().int().positive(),
  startAtMs: z.number(),
  rampIntervalMs: z.number().positive(),
  window: windowSchema,
  bargeAtMs: z.number(),
  bargeStepMs: z.number().nonnegative(),
  hangUpAtMs: z.number(),
});

/** Where and how the simulated callers dial: the gateway, or the bare relay. */
export const callerTargetSchema = z.object({
  gatewayUrl: z.string(),
  publicBaseUrl: z.string(),
  statusCallbackPath: z.string().nullable(),
  accountSid: z.string(),
  authToken: z.string(),
  from: z.string(),
  to: z.string(),
});
export type CallerTarget = z.infer<typeof callerTargetSchema>;

export const callersCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run-level'),
    target: callerTargetSchema,
    schedule: scheduleSchema,
    /** Stream key of the level's first call (the next ones count up), unique across the run. */
    keyBase: z.number().int().nonnegative(),
    traffic: trafficShapeSchema,
  }),
  z.object({ type: z.literal('stop') }),
]);
/** What the orchestrator asks of the callers' process. */
export type CallersCommand = z.infer<typeof callersCommandSchema>;

export const callersReadySchema = z.object({ restApiUrl: z.string() });

export const callersReportSchema = z.object({
  placed: z.number(),
  /** Calls whose first greeting frame arrived before the window opened. */
  connected: z.number(),
  failures: z.record(z.string(), z.number()),
  /** Webhook POST → first greeting frame at the caller. */
  setup: summarySchema,
  /** Caller → model frames sent in the window, per call key. */
  sent: countsSchema,
  /** Model → caller frames as the callers received them. */
  arrivals: arrivalReportSchema,
  /** `[call key, when its first clear arrived]` after it barged in. */
  clears: countsSchema,
  bargeIns: z.number(),
  loopLag: loopLagSchema,
});
/** What the callers saw during one level. */
export type CallersReport = z.infer<typeof callersReportSchema>;

export const modelCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('arm'),
    window: windowSchema,
    /** Audio production speed of the level's answers, as a multiple of real time. */
    modelSpeed: z.number().positive(),
  }),
  z.object({ type: z.literal('collect') }),
  z.object({ type: z.literal('status') }),
  z.object({ type: z.literal('stop') }),
]);
/** What the orchestrator asks of the fake model's process. */
export type ModelCommand = z.infer<typeof modelCommandSchema>;

export const modelReadySchema = z.object({ baseURL: z.string(), caFile: z.string(), apiKey: z.string() });

export const modelReportSchema = z.object({
  /** Caller → model frames as the fake model received them. */
  arrivals: arrivalReportSchema,
  /** Model → caller frames sent in the window, per model session key. */
  sent: countsSchema,
  /** `[call key, when speech_started was sent]`: the start of a barge-in. */
  speechStarted: countsSchema,
  /** `response.function_call_arguments.done` sent → `function_call_output` received. */
  tool: summarySchema,
  toolUnanswered: z.number(),
  liveSessions: z.number(),
  loopLag: loopLagSchema,
});
/** What the fake model saw during one level. */
export type ModelReport = z.infer<typeof modelReportSchema>;
export const modelStatusSchema = z.object({ liveSessions: z.number() });
