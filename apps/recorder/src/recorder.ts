import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { callEventSchema, escalationStatusSchema } from '@voice/shared/contracts';
import type { Database } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import { CONSUMERS, type ConsumerOutcome, runDurableConsumer } from '@voice/shared/nats';
import { applyCallEvent } from './projection/apply-call-event.js';
import { applyEscalationStatus } from './projection/apply-escalation-status.js';

export interface RecorderDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: Database;
  logger: Logger;
  onOutcome?: (stream: 'calls' | 'escalations', outcome: ConsumerOutcome | 'duplicate') => void;
}

export interface Recorder {
  stop(): Promise<void>;
}

/**
 * Turns call events and escalation status changes into rows, through durable consumers:
 * a restart resumes where it stopped; a redelivered event is recognised by its id.
 */
export function startRecorder(deps: RecorderDeps): Recorder {
  const calls = runDurableConsumer({
    js: deps.js,
    jsm: deps.jsm,
    definition: CONSUMERS.recorderCalls,
    schema: callEventSchema,
    what: 'call event',
    logger: deps.logger,
    handle: async (event) => {
      const applied = await applyCallEvent(deps.db, event);
      if (!applied) deps.onOutcome?.('calls', 'duplicate');
    },
    onOutcome: (outcome) => deps.onOutcome?.('calls', outcome),
  });
  const escalations = runDurableConsumer({
    js: deps.js,
    jsm: deps.jsm,
    definition: CONSUMERS.recorderEscalations,
    schema: escalationStatusSchema,
    what: 'escalation status',
    logger: deps.logger,
    handle: async (status) => {
      const applied = await applyEscalationStatus(deps.db, status);
      if (!applied) deps.onOutcome?.('escalations', 'duplicate');
    },
    onOutcome: (outcome) => deps.onOutcome?.('escalations', outcome),
  });
  return {
    async stop() {
      await Promise.all([calls.stop(), escalations.stop()]);
    },
  };
}
