/** JetStream client factories, for apps that reach JetStream only through this package. */
export { jetstream, jetstreamManager } from '@nats-io/jetstream';
export { requestCallControl, transferOutcomes } from './call-control.js';
export { type ConnectOptions, connectNats, type NatsConnection, natsReady } from './connection.js';
export {
  type ConsumerOutcome,
  type DurableConsumerHandle,
  type DurableConsumerOptions,
  type MessageMeta,
  runDurableConsumer,
  type Settlement,
} from './durable-consumer.js';
export {
  isRevisionConflict,
  type KV,
  KV_BUCKETS,
  type KvBucketDefinition,
  type KvEntry,
  openKvBucket,
} from './kv.js';
export { JetStreamOutbox, type OutboxOptions, type OutboxOutcome, publishContract } from './outbox/index.js';
export { type ReplyServer, type ReplyServerOptions, serveReplies } from './reply-server.js';
export {
  CONSUMERS,
  type ConsumerDefinition,
  DUPLICATE_WINDOW_MS,
  ensureConsumer,
  ensureStreams,
  STREAMS,
} from './streams.js';
export { createTurnPublisher, type TurnPublisher, type TurnPublisherOptions } from './turn-publisher.js';
