import { type CallEvent, callEventSchema, subjects } from '@voice/shared/contracts';
import { jetstream, jetstreamManager, type NatsConnection, STREAMS } from '@voice/shared/nats';

/** Upper bound of one fetch; it returns as soon as the counted messages have arrived. */
const FETCH_EXPIRES_MS = 5_000;

/** Every call event stored in JetStream `CALLS` for this call, in order. */
export async function readCallEvents(nc: NatsConnection, callSid: string): Promise<CallEvent[]> {
  const subject = subjects.callEvents(callSid);
  const info = await (await jetstreamManager(nc)).streams.info(STREAMS.calls.name, {
    subjects_filter: subject,
  });
  const stored = info.state.subjects?.[subject] ?? 0;
  if (stored === 0) return [];
  const consumer = await jetstream(nc).consumers.get(STREAMS.calls.name, { filter_subjects: subject });
  const events: CallEvent[] = [];
  const messages = await consumer.fetch({ max_messages: stored, expires: FETCH_EXPIRES_MS });
  for await (const message of messages) events.push(callEventSchema.parse(message.json()));
  return events;
}
