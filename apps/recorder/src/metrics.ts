import { Counter, type Registry } from '@voice/shared/telemetry';

export function createRecorderMetrics(registry: Registry) {
  return {
    events: new Counter({
      name: 'recorder_events_total',
      help: 'Events consumed, by stream and outcome (acked, duplicate, retried, terminated, invalid).',
      labelNames: ['stream', 'outcome'],
      registers: [registry],
    }),
  };
}
