import type { JetStreamClient } from '@nats-io/jetstream';
import type { z } from 'zod';
import { encodeJson } from '../../contracts/index.js';

/** Typed helper for a one-off JetStream publish of a contract value (tests, tools). */
export async function publishContract<S extends z.ZodType>(
  js: JetStreamClient,
  subject: string,
  schema: S,
  value: z.input<S>,
  msgId: string,
): Promise<{ duplicate: boolean }> {
  const ack = await js.publish(subject, encodeJson(schema, value), { msgID: msgId });
  return { duplicate: ack.duplicate };
}
