import { type ApiError, invalidRequest } from './api-error.js';
import { type ClientEvent, clientEventSchema, describeIssue } from './client-events.js';

/** One socket message read as a client event, or the API error the server answers it with. */
export function parseClientMessage(
  text: string,
  isBinary: boolean,
): { event: ClientEvent } | { error: ApiError } {
  if (isBinary) return { error: invalidRequest('invalid_message', 'Binary messages are not supported.') };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: invalidRequest('invalid_json', 'The message is not valid JSON.') };
  }
  const parsed = clientEventSchema.safeParse(raw);
  if (parsed.success) return { event: parsed.data };
  const { type, event_id } = (raw ?? {}) as { type?: unknown; event_id?: unknown };
  const eventId = typeof event_id === 'string' ? event_id : null;
  const known = clientEventSchema.options.some((o) => o.shape.type.value === type);
  const issue = describeIssue(parsed.error);
  return {
    error: known
      ? invalidRequest('invalid_value', issue.message, issue.param, eventId)
      : invalidRequest(
          'invalid_value',
          `Invalid value: '${String(type)}'. Unknown event type.`,
          'type',
          eventId,
        ),
  };
}
