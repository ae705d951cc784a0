import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { decodeJson, escalationRequestedSchema } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { CONSUMERS, type ConsumerDefinition, ensureConsumer } from '@voice/shared/nats';
import { describeFailure } from '../failures.js';
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

/** A running intake consumer. */
export interface IntakeConsumer {
  /** Stops pulling, lets the requests in hand finish, and resolves when the loop has ended. */
  stop(): Promise<void>;
}

/** A request whose escalation is already being handled here comes back this much later. */
const IN_FLIGHT_RETRY_MS = 1_000;
/** Pause before re-subscribing after the consumer loop broke (NATS away, consumer deleted). */
const RESUBSCRIBE_DELAY_MS = 1_000;
/** `working()` is sent this many times per ack wait while a request is being handled. */
const HEARTBEATS_PER_ACK_WAIT = 3;

/**
 * The durable JetStream consumer of escalation requests: `for await` over the messages,
 * parse at the edge (invalid → `term`), hand each to the handler with bounded concurrency,
 * and ack or nak only once the handler is done. Long handling sends `working()` so the
 * server does not redeliver a request that is still being worked on.
 */
export function startIntakeConsumer(options: IntakeConsumerOptions): IntakeConsumer {
  const definition = options.definition ?? CONSUMERS.escalationIntake;
  const log = options.logger.child({ component: 'intake', durable: definition.durable });
  const inFlight = new Set<Promise<void>>();
  const handling = new Set<string>();
  let stopped = false;
  let messages: ConsumerMessages | undefined;

  const settle = async (m: JsMsg): Promise<void> => {
    const decoded = decodeJson(escalationRequestedSchema, m.data, 'escalation request');
    if (!decoded.ok) {
      log.error({ seq: m.seq, issues: decoded.error.issues }, 'invalid escalation request terminated');
      // No reason text: servers before 2.10.4 (Debian's 2.9) ignore a `+TERM` that carries one.
      m.term();
      options.metrics.intakeDeliveries.inc({ outcome: 'term' });
      return;
    }
    const request = decoded.value;
    if (handling.has(request.escalationId)) {
      m.nak(IN_FLIGHT_RETRY_MS);
      options.metrics.intakeNaks.inc({ reason: 'busy' });
      return;
    }
    handling.add(request.escalationId);
    const heartbeat = setInterval(() => m.working(), definition.ackWaitMs / HEARTBEATS_PER_ACK_WAIT);
    try {
      const disposition = await options.handle(request, { deliveryCount: m.info.deliveryCount });
      if (disposition.kind === 'ack') {
        m.ack();
        options.metrics.intakeDeliveries.inc({ outcome: 'ack' });
      } else {
        m.nak(disposition.delayMs);
        options.metrics.intakeDeliveries.inc({ outcome: 'nak' });
        options.metrics.intakeNaks.inc({ reason: disposition.reason });
      }
    } finally {
      clearInterval(heartbeat);
      handling.delete(request.escalationId);
    }
  };

  const track = (m: JsMsg) => {
    const task: Promise<void> = settle(m)
      .catch((error: unknown) => {
        // The handler never throws; this is a bug in the loop itself. Redelivery keeps the request.
        log.error({ seq: m.seq, err: describeFailure(error) }, 'escalation request left unsettled');
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const loop = async () => {
    while (!stopped) {
      try {
        await ensureConsumer(options.jsm, definition);
        const consumer = await options.js.consumers.get(definition.stream, definition.durable);
        const iterator = await consumer.consume({ max_messages: options.concurrency });
        messages = iterator;
        if (stopped) await iterator.close();
        for await (const m of iterator) {
          track(m);
          while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
          if (stopped) break;
        }
      } catch (error) {
        if (!stopped) log.warn({ err: describeFailure(error) }, 'intake consumer interrupted, resubscribing');
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_DELAY_MS));
    }
  };

  const done = loop();
  log.info({ concurrency: options.concurrency }, 'intake consuming');
  return {
    async stop() {
      stopped = true;
      await messages?.close();
      await done;
      await Promise.all(inFlight);
    },
  };
}
