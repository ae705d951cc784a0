import { Counter, Gauge, Histogram, LATENCY_BUCKETS_MS, type Registry } from '@voice/shared/telemetry';

/**
 * The media stream messages that come and go every 20 ms of a call, tallied as plain numbers:
 * a labelled `inc` per frame hashes its labels each time. They are folded into
 * `gateway_frames_total` whenever it is read (a scrape), so the metric is the same.
 */
export interface FrameCounts {
  inMedia: number;
  inMark: number;
  outMedia: number;
  outMark: number;
}

const FRAME_COUNT_LABELS: Record<keyof FrameCounts, { direction: string; kind: string }> = {
  inMedia: { direction: 'in', kind: 'media' },
  inMark: { direction: 'in', kind: 'mark' },
  outMedia: { direction: 'out', kind: 'media' },
  outMark: { direction: 'out', kind: 'mark' },
};

/** The gateway's Prometheus metrics, registered once on the service's registry. */
export interface GatewayMetrics {
  /** Calls this gateway holds: claimed and waiting for their stream, or streaming. */
  liveCalls: Gauge;
  /**
   * Media stream messages: `direction` in (from Twilio) or out (to Twilio), `kind` the event.
   * The per-frame kinds are counted in `frameCounts`; the rare ones here directly.
   */
  frames: Counter<'direction' | 'kind'>;
  frameCounts: FrameCounts;
  /** Inbound frames dropped, by reason (binary, invalid_json, schema, oversized, …). */
  framesDropped: Counter<'reason'>;
  /** One claim request to the media-bridge pool, by outcome (accepted, declined, timeout, …). */
  claimLatency: Histogram<'outcome'>;
  /** Webhook requests by route and outcome (connected, busy, unknown_number, forbidden, …). */
  webhooks: Counter<'route' | 'outcome'>;
  /**
   * Webhook attempts answered with another attempt's answer (`followed`: Twilio retried a call
   * already answered or being answered, on this gateway or another), or that took over from an
   * owner whose lease ran out (`took_over`). Each is a second claim and model session avoided.
   */
  webhookDedup: Counter<'how'>;
  /** Media streams by outcome (accepted, bad_signature, expired, replayed, …). */
  streams: Counter<'outcome'>;
  /** Live calls moved to another bridge, by reason (bridge_lost, bridge_draining) and outcome. */
  bridgeMoves: Counter<'reason' | 'outcome'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  const frameCounts: FrameCounts = { inMedia: 0, inMark: 0, outMedia: 0, outMark: 0 };
  return {
    frameCounts,
    liveCalls: new Gauge({
      name: 'gateway_live_calls',
      help: 'Calls held by this gateway (claimed or streaming).',
      registers,
    }),
    frames: new Counter({
      name: 'gateway_frames_total',
      help: 'Media stream messages relayed, by direction and kind.',
      labelNames: ['direction', 'kind'],
      registers,
      collect() {
        for (const key of Object.keys(frameCounts) as Array<keyof FrameCounts>) {
          if (frameCounts[key] === 0) continue;
          this.inc(FRAME_COUNT_LABELS[key], frameCounts[key]);
          frameCounts[key] = 0;
        }
      },
    }),
    framesDropped: new Counter({
      name: 'gateway_frames_dropped_total',
      help: 'Inbound media stream frames dropped, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    claimLatency: new Histogram({
      name: 'gateway_claim_latency_ms',
      help: 'Time of one claim request to the media-bridge pool, by outcome (ms).',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
    webhooks: new Counter({
      name: 'gateway_webhooks_total',
      help: 'Twilio webhook requests, by route and outcome.',
      labelNames: ['route', 'outcome'],
      registers,
    }),
    webhookDedup: new Counter({
      name: 'gateway_webhook_dedup_total',
      help: 'Webhook attempts that repeated another attempt’s answer (followed) or took over a dead owner’s (took_over).',
      labelNames: ['how'],
      registers,
    }),
    streams: new Counter({
      name: 'gateway_streams_total',
      help: 'Media stream connections, by outcome.',
      labelNames: ['outcome'],
      registers,
    }),
    bridgeMoves: new Counter({
      name: 'gateway_bridge_moves_total',
      help: 'Live calls moved to another media bridge, by reason and outcome (moved, no_bridge, too_many).',
      labelNames: ['reason', 'outcome'],
      registers,
    }),
  };
}
