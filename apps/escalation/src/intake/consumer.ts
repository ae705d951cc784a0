import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { escalationRequestedSchema } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import {
  CONSUMERS,
  type ConsumerDefinition,
  type ConsumerOutcome,
  type DurableConsumerHandle,
  runDurableConsumer,
} from '@voice/shared/nats';
import type { EscalationMetrics } from '../metrics.js';
import type { RequestHandler } from './handle-request.js';

/** What the intake consumer runs on. */
export interface IntakeConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  handle: RequestHandler;
  /** Requests handled at once. */
  concurrency: number;
  logger: Logger;
  metrics: EscalationMetrics;
  /** Defaults to `CONSUMERS.escalationIntake`. */
  definition?: ConsumerDefinition;
}

/**
 * The durable consumer of escalation requests. The handler settles each request itself (it
 * records failures for good); two deliveries of one escalation are never handled at once.
 * No more are pulled than are handled, so a waiting request's ack wait does not run down.
 */
export function startIntakeConsumer(options: IntakeConsumerOptions): DurableConsumerHandle {
  const consumer = runDurableConsumer({
    js: options.js,
    jsm: options.jsm,
    definition: options.definition ?? CONSUMERS.escalationIntake,
    schema: escalationRequestedSchema,
    what: 'escalation request',
    handle: options.handle,
    logger: options.logger,
    concurrency: options.concurrency,
    prefetch: options.concurrency,
    keyOf: (request) => request.escalationId,
    onOutcome: (outcome, reason) => countDelivery(options.metrics, outcome, reason),
  });
  options.logger.info({ concurrency: options.concurrency }, 'intake consuming');
  return consumer;
}

function countDelivery(metrics: EscalationMetrics, outcome: ConsumerOutcome, reason?: string): void {
  if (outcome === 'busy') {
    metrics.intakeNaks.inc({ reason: 'busy' });
  } else if (outcome === 'retried') {
    metrics.intakeDeliveries.inc({ outcome: 'nak' });
    metrics.intakeNaks.inc({ reason });
  } else {
    metrics.intakeDeliveries.inc({ outcome: outcome === 'acked' ? 'ack' : 'term' });
  }
}
