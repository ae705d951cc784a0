import { Counter, Gauge, Histogram, LATENCY_BUCKETS_MS, type Registry } from '@voice/shared/telemetry';

/** The escalation service's own metrics, on the runtime's registry. */
export interface EscalationMetrics {
  /** Every status change, by status (connected, no_answer, queued, callback_scheduled, failed, resolved, …). */
  statusChanges: Counter<'status'>;
  /** Intake outcomes per delivery: acked, nak (retried later), term (invalid). */
  intakeDeliveries: Counter<'outcome'>;
  /** Why a delivery was retried: transient, unexpected, busy. */
  intakeNaks: Counter<'reason'>;
  /** From a request's delivery to the call being moved (or the fallback applied). */
  routingLatencyMs: Histogram<'outcome'>;
  consoleSseClients: Gauge;
}

export function createEscalationMetrics(registry: Registry): EscalationMetrics {
  return {
    statusChanges: new Counter({
      name: 'escalation_status_changes_total',
      help: 'Escalation status changes, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    intakeDeliveries: new Counter({
      name: 'escalation_intake_deliveries_total',
      help: 'Escalation requests delivered to the intake, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    intakeNaks: new Counter({
      name: 'escalation_intake_naks_total',
      help: 'Escalation requests handed back for redelivery, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    routingLatencyMs: new Histogram({
      name: 'escalation_routing_latency_ms',
      help: 'From a request delivery to the call moved or the fallback applied (ms)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS_MS,
      registers: [registry],
    }),
    consoleSseClients: new Gauge({
      name: 'escalation_console_sse_clients',
      help: 'Open live-update streams of the human agents console',
      registers: [registry],
    }),
  };
}
