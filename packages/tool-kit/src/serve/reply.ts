import type { ServiceMsg } from '@nats-io/services';
import {
  encodeJson,
  type ToolErrorCode,
  type ToolResponse,
  toolResponseSchema,
} from '@voice/shared/contracts';

/**
 * The NATS micro error code sent in the `Nats-Service-Error-Code` header next to the envelope,
 * HTTP-like as the micro spec suggests, so service stats and generic clients see failures too.
 */
const SERVICE_ERROR_CODES: Record<ToolErrorCode, number> = {
  bad_arguments: 400,
  not_found: 404,
  conflict: 409,
  timeout: 504,
  unavailable: 503,
  internal: 500,
};

/** Header values cannot carry line breaks; the full message is in the body. */
const MAX_HEADER_DESCRIPTION = 200;

/**
 * Sends the envelope. Errors go through `respondError`, which adds the micro error headers;
 * the body is the same `ToolResponse` either way, and it is the contract. Returns false when
 * the request had no reply subject.
 */
export function sendReply(msg: ServiceMsg, response: ToolResponse): boolean {
  const body = encodeJson(toolResponseSchema, response);
  if (response.ok) return msg.respond(body);
  const description = response.error.message.replace(/\s+/g, ' ').slice(0, MAX_HEADER_DESCRIPTION);
  return msg.respondError(SERVICE_ERROR_CODES[response.error.code], description, body);
}
