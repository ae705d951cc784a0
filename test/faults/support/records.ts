import { type CallEvent, callEventSchema, subjects } from '@voice/shared/contracts';
import { jetstream, type NatsConnection, STREAMS } from '@voice/shared/nats';
import { TEST_SECRETS } from '@voice/testkit/system';

/** A call's record as the Calls API serves it (the parts fault tests assert on). */
export interface CallRecord {
  call: { callSid: string; status: string; endReason: string | null; bridgeId: string | null };
  transcript: Array<{ itemId: string; role: 'caller' | 'agent'; text: string; interrupted: boolean }>;
  tools: Array<{ toolCallId: string; name: string; status: string; errorCode: string | null }>;
  escalations: Array<{ id: string; status: string }>;
  timeline: Array<{ type: string; payload: Record<string, unknown> }>;
}

/** `GET /calls/:callSid` on the recorder, with the Calls API token. */
export async function fetchRecord(recorderUrl: string, callSid: string): Promise<CallRecord | undefined> {
  const response = await fetch(`${recorderUrl}/calls/${callSid}`, {
    headers: { authorization: `Bearer ${TEST_SECRETS.callsApiToken}` },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`Calls API answered ${response.status}`);
  return (await response.json()) as CallRecord;
}

const POLL_MS = 250;

/** Polls the Calls API until the call's record satisfies `done` (events land asynchronously). */
export async function waitForRecord(
  recorderUrl: string,
  callSid: string,
  done: (record: CallRecord) => boolean,
  timeoutMs = 30_000,
): Promise<CallRecord> {
  const deadline = Date.now() + timeoutMs;
  let last: CallRecord | undefined;
  while (Date.now() < deadline) {
    last = await fetchRecord(recorderUrl, callSid).catch(() => undefined);
    if (last && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(
    `the record of ${callSid} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2_000)}`,
  );
}

/**
 * The call's record once the recorder has applied `call.ended` (published by the gateway from
 * Twilio's callback; the recorder, the row's only writer, settles the end reason).
 */
export function waitForEndedRecord(recorderUrl: string, callSid: string, timeoutMs?: number) {
  return waitForRecord(
    recorderUrl,
    callSid,
    (record) =>
      record.call.status === 'ended' && record.timeline.some((entry) => entry.type === 'call.ended'),
    timeoutMs,
  );
}

/** What JetStream `CALLS` holds for one call: every stored message, and the events in it. */
export interface StoredCallEvents {
  /** Messages stored on `calls.events.<callSid>`. */
  stored: number;
  events: CallEvent[];
  /** Event ids stored more than once (none, if de-duplication held). */
  duplicates: string[];
}

/** Reads every message of the call's subject in `CALLS`, with an ordered consumer. */
export async function storedCallEvents(nc: NatsConnection, callSid: string): Promise<StoredCallEvents> {
  const consumer = await jetstream(nc).consumers.get(STREAMS.calls.name, {
    filter_subjects: subjects.callEvents(callSid),
  });
  const { num_pending: pending } = await consumer.info(true);
  const events: CallEvent[] = [];
  if (pending > 0) {
    const messages = await consumer.fetch({ max_messages: pending, expires: 5_000 });
    for await (const message of messages) {
      events.push(callEventSchema.parse(message.json()));
      if (message.info.pending === 0) break;
    }
  }
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const event of events) {
    if (seen.has(event.eventId)) duplicates.push(event.eventId);
    seen.add(event.eventId);
  }
  return { stored: events.length, events, duplicates };
}

/** Events of one type, in stored order. */
export function eventsOf<T extends CallEvent['type']>(
  stored: StoredCallEvents,
  type: T,
): Array<Extract<CallEvent, { type: T }>> {
  return stored.events.filter((event): event is Extract<CallEvent, { type: T }> => event.type === type);
}

/**
 * What "one call, one transcript, no duplicates" means for a record: transcript turns with unique
 * item ids and no text spoken twice by the same side (a replay recorded as new turns would), tool
 * calls and escalations once each. Returns the problems found.
 */
export function recordProblems(record: CallRecord): string[] {
  const problems: string[] = [];
  const repeated = <T>(values: T[]) => values.filter((value, index) => values.indexOf(value) !== index);
  for (const itemId of repeated(record.transcript.map((turn) => turn.itemId))) {
    problems.push(`transcript item ${itemId} twice`);
  }
  const spoken = record.transcript.filter((turn) => turn.text.trim() !== '');
  for (const text of repeated(spoken.map((turn) => `${turn.role}: ${turn.text}`))) {
    problems.push(`"${text}" recorded twice`);
  }
  for (const id of repeated(record.tools.map((tool) => tool.toolCallId)))
    problems.push(`tool call ${id} twice`);
  for (const id of repeated(record.escalations.map((escalation) => escalation.id))) {
    problems.push(`escalation ${id} twice`);
  }
  return problems;
}
