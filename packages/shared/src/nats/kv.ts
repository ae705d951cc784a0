import { JetStreamApiCodes, StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

export type { KV, KvEntry } from '@nats-io/kv';

export interface KvBucketDefinition {
  /** Letters, digits, `-` and `_` (the bucket's stream is `KV_<bucket>`). */
  bucket: string;
  description: string;
  /**
   * How long a key lives (ms). Servers before 2.11 have no per-key TTL, so the bucket's
   * `max_age` is the only clean-up: a KV without it grows for ever.
   */
  ttlMs: number;
}

/** The KV buckets the design names; each is created by the service that uses it, at start-up. */
export const KV_BUCKETS = {
  callAnswers: {
    bucket: 'call-answers',
    description:
      'The one answer to each call’s voice webhook, whichever gateway Twilio asks (`CallAnswer`, keyed by CallSid).',
    // Twilio retries a webhook within its 15 s budget and opens the stream within the token's
    // lifetime (≤ 10 min): a key outlives both.
    ttlMs: 15 * 60_000,
  },
  callStreams: {
    bucket: 'call-streams',
    description:
      'Each call’s one media stream, taken once by its first start and closed by its end (`CallStream`, keyed by CallSid).',
    // Outlives a stream token (≤ 10 min) by far, so a token is never usable twice, and keeps an
    // ended call's mark for a day: a webhook replayed within it is refused, not claimed again.
    ttlMs: 24 * 60 * 60_000,
  },
} as const satisfies Record<string, KvBucketDefinition>;

/**
 * Opens a KV bucket, creating it (file storage, one value per key) when it does not exist yet.
 * Safe to run from every instance at once: creating an existing bucket with the same
 * configuration opens it.
 */
export function openKvBucket(nc: NatsConnection, def: KvBucketDefinition): Promise<KV> {
  return new Kvm(nc).create(def.bucket, {
    description: def.description,
    ttl: def.ttlMs,
    history: 1,
    storage: StorageType.File,
  });
}

/**
 * True when a KV `create` or `update` was refused because the key is not at the expected
 * revision (JetStream API error 10071, `wrong last sequence`): someone else wrote it first.
 */
export function isRevisionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    code === JetStreamApiCodes.StreamWrongLastSequence ||
    code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
  );
}
