import { Counter, Gauge, Histogram, LATENCY_BUCKETS_MS, type Registry } from '@voice/shared/telemetry';

/** Everything the bridge measures, registered on the service's registry. */
export interface BridgeMetrics {
  activeSessions: Gauge;
  claims: Counter<'outcome'>;
  bargeIns: Counter;
  modelErrors: Counter<'kind'>;
  invalidModelEvents: Counter<'kind'>;
  sessionRestores: Counter<'reason' | 'outcome'>;
  sessionsEnded: Counter<'reason'>;
  setupLatency: Histogram;
  turnLatency: Histogram;
  bargeInLatency: Histogram;
  toolLatency: Histogram<'tool' | 'outcome'>;
}

export function createBridgeMetrics(registry: Registry): BridgeMetrics {
  const registers = [registry];
  return {
    activeSessions: new Gauge({
      name: 'media_bridge_active_sessions',
      help: 'Calls held by this bridge (claimed, not yet ended).',
      registers,
    }),
    claims: new Counter({
      name: 'media_bridge_claims_total',
      help: 'Claim requests by outcome (accepted, at_capacity, draining, unknown_agent, error, duplicate).',
      labelNames: ['outcome'],
      registers,
    }),
    bargeIns: new Counter({
      name: 'media_bridge_barge_ins_total',
      help: 'Times the caller interrupted agent audio that was still playing.',
      registers,
    }),
    modelErrors: new Counter({
      name: 'media_bridge_model_errors_total',
      help: 'Model problems: api (error events), transport (socket errors), dropped (unexpected close), restore_failed, session_config_rejected, session_update_rejected, invalid_profile.',
      labelNames: ['kind'],
      registers,
    }),
    invalidModelEvents: new Counter({
      name: 'media_bridge_model_events_invalid_total',
      help: 'Server events that were not understood: unknown type or malformed.',
      labelNames: ['kind'],
      registers,
    }),
    sessionRestores: new Counter({
      name: 'media_bridge_session_restores_total',
      help: 'Model sessions replaced mid-call, by reason (socket_dropped, session_cap) and outcome.',
      labelNames: ['reason', 'outcome'],
      registers,
    }),
    sessionsEnded: new Counter({
      name: 'media_bridge_sessions_ended_total',
      help: 'Call sessions ended, by reason (stop_<gateway reason>, a session failure, stream_start_timeout, hangup_unconfirmed, bridge_draining, hand_back_failed, claim_superseded).',
      labelNames: ['reason'],
      registers,
    }),
    setupLatency: new Histogram({
      name: 'media_bridge_setup_latency_ms',
      help: 'Claim requested → first greeting audio sent to the gateway (ms).',
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
    turnLatency: new Histogram({
      name: 'media_bridge_turn_latency_ms',
      help: 'Caller stopped speaking → first agent audio sent to the gateway (ms).',
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
    bargeInLatency: new Histogram({
      name: 'media_bridge_barge_in_latency_ms',
      help: 'Speech started at the model → clear sent to the gateway (ms).',
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
    toolLatency: new Histogram({
      name: 'media_bridge_tool_latency_ms',
      help: 'Tool request → reply as the bridge saw it (ms), by tool and outcome.',
      labelNames: ['tool', 'outcome'],
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
  };
}
