import { describe, expect, it } from 'vitest';
import { metricValue } from './service-probes.js';

const METRICS = `# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.
# TYPE nodejs_eventloop_lag_p99_seconds gauge
nodejs_eventloop_lag_p99_seconds{service="gateway"} 0.012
gateway_live_calls{service="gateway"} 42
up 1
`;

describe('metricValue', () => {
  it('reads a series with or without labels', () => {
    expect(metricValue(METRICS, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.012);
    expect(metricValue(METRICS, 'gateway_live_calls')).toBe(42);
    expect(metricValue(METRICS, 'up')).toBe(1);
    expect(metricValue(METRICS, 'gateway_live')).toBeUndefined();
  });
});
