import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { subjects } from '../contracts/index.js';

/**
 * The JetStream streams and durable consumers the design names. Every service that uses
 * one ensures it at start-up (idempotent), so no deploy step has to run first.
 */
export const STREAMS = {
  calls: {
    name: 'CALLS',
    subjects: [subjects.callEventsAll],
    description: 'Call events: the story of every call, consumed by the recorder.',
  },
  escalations: {
    name: 'ESCALATIONS',
    subjects: ['escalations.>'],
    description: 'Escalation requests and their status changes.',
  },
} as const;

export interface ConsumerDefinition {
  stream: string;
  durable: string;
  filterSubject: string;
  /** How long a message may stay unacknowledged before redelivery (ms). */
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
}

export const CONSUMERS = {
  recorderCalls: {
    stream: STREAMS.calls.name,
    durable: 'recorder-calls',
    filterSubject: subjects.callEventsAll,
    ackWaitMs: 30_000,
    maxDeliver: -1,
    maxAckPending: 1_000,
  },
  recorderEscalations: {
    stream: STREAMS.escalations.name,
    durable: 'recorder-escalations',
    filterSubject: subjects.escalationStatusAll,
    ackWaitMs: 30_000,
    maxDeliver: -1,
    maxAckPending: 1_000,
  },
  escalationIntake: {
    stream: STREAMS.escalations.name,
    durable: 'escalation-intake',
    filterSubject: subjects.escalationRequested,
    ackWaitMs: 30_000,
    maxDeliver: -1,
    maxAckPending: 100,
  },
} as const satisfies Record<string, ConsumerDefinition>;

/** De-duplication window for message ids: a retried publish within it is stored once. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
const RETENTION_MS = 14 * 24 * 60 * 60_000;

function streamConfig(def: {
  name: string;
  subjects: readonly string[];
  description: string;
}): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    subjects: [...def.subjects],
    description: def.description,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(RETENTION_MS),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
}

/** Creates the streams, or brings their configuration up to date. Safe to run from every service. */
export async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  for (const def of Object.values(STREAMS)) {
    const config = streamConfig(def);
    try {
      await jsm.streams.info(def.name);
      await jsm.streams.update(def.name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another service created it between our info and add: that is the outcome we wanted.
        if (!String((addError as Error).message).includes('already in use')) throw addError;
      }
    }
  }
}

/** Creates a durable pull consumer, or updates it in place. */
export async function ensureConsumer(jsm: JetStreamManager, def: ConsumerDefinition): Promise<void> {
  const updatable = {
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: def.maxDeliver,
    max_ack_pending: def.maxAckPending,
  };
  try {
    await jsm.consumers.info(def.stream, def.durable);
    await jsm.consumers.update(def.stream, def.durable, updatable);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(def.stream, {
      durable_name: def.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: def.filterSubject,
      ...updatable,
    });
  }
}

function isNotFound(error: unknown): boolean {
  const message = String((error as Error | undefined)?.message ?? '');
  return message.includes('not found');
}
