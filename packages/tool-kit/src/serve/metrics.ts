import { Counter, Histogram, LATENCY_BUCKETS_MS, type Registry } from '@voice/shared/telemetry';

/** `ok`, `replayed` (a stored outcome returned again) or the error code. */
export type InvocationOutcome = 'ok' | 'replayed' | string;

/** The kit's metrics: invocations by tool and outcome, and how long they took. */
export interface ToolMetrics {
  observe(tool: string, outcome: InvocationOutcome, durationMs: number): void;
}

const INVOCATIONS = 'tool_invocations_total';
const DURATION = 'tool_invocation_duration_ms';

/**
 * Registers (or reuses: several servers may share one registry) the kit's metrics. Without a
 * registry nothing is measured.
 */
export function createToolMetrics(registry: Registry | undefined): ToolMetrics {
  if (!registry) return { observe: () => {} };
  const invocations =
    (registry.getSingleMetric(INVOCATIONS) as Counter<'tool' | 'outcome'> | undefined) ??
    new Counter({
      name: INVOCATIONS,
      help: 'Tool invocations answered, by tool and outcome (ok, replayed, or the error code).',
      labelNames: ['tool', 'outcome'],
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric(DURATION) as Histogram<'tool' | 'outcome'> | undefined) ??
    new Histogram({
      name: DURATION,
      help: 'Time from receiving a tool request to replying (ms), by tool and outcome.',
      labelNames: ['tool', 'outcome'],
      buckets: LATENCY_BUCKETS_MS,
      registers: [registry],
    });
  return {
    observe(tool, outcome, durationMs) {
      invocations.inc({ tool, outcome });
      duration.observe({ tool, outcome }, durationMs);
    },
  };
}
