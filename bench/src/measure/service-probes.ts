import { type LoopLag, loopLagSchema } from '../load/ipc.js';

/** The `monitorEventLoopDelay` resolution the services' metrics use (`eventLoopMonitoringPrecision`). */
const SERVICE_LAG_RESOLUTION_MS = 10;
const MS_PER_SECOND = 1_000;
const PROBE_TIMEOUT_MS = 5_000;

/** Reads a process's event-loop delay since the previous read (every read starts a new window). */
export interface LoopLagProbe {
  role: string;
  read(): Promise<LoopLag>;
}

async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** The value of a metric (the first series, labels ignored) in Prometheus text, if present. */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([^\\s]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * A service's `/metrics`: prom-client's event-loop gauges come from a histogram that is reset
 * on every scrape, so two scrapes bracket a window.
 */
export function metricsLoopLagProbe(role: string, baseUrl: string): LoopLagProbe {
  return {
    role,
    async read() {
      const text = await fetchText(`${baseUrl}/metrics`);
      if (text === undefined) return null;
      const ms = (name: string) => {
        const seconds = metricValue(text, name);
        return seconds === undefined
          ? Number.NaN
          : Math.max(0, seconds * MS_PER_SECOND - SERVICE_LAG_RESOLUTION_MS);
      };
      const lag = {
        p50: ms('nodejs_eventloop_lag_p50_seconds'),
        p99: ms('nodejs_eventloop_lag_p99_seconds'),
        max: ms('nodejs_eventloop_lag_max_seconds'),
      };
      return Number.isNaN(lag.p99) ? null : lag;
    },
  };
}

/** The bare relay's `/loop-lag` (same semantics: since the previous read). */
export function relayLoopLagProbe(role: string, baseUrl: string): LoopLagProbe {
  return {
    role,
    async read() {
      const text = await fetchText(`${baseUrl}/loop-lag`);
      if (text === undefined) return null;
      try {
        const parsed = loopLagSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}

/** A gauge of a service's `/metrics` (e.g. live calls), or undefined when it cannot be read. */
export async function readGauge(baseUrl: string, name: string): Promise<number | undefined> {
  const text = await fetchText(`${baseUrl}/metrics`);
  return text === undefined ? undefined : metricValue(text, name);
}
