import { type TwilioInboundMessage, twilioInboundMessageSchema } from '@voice/shared/contracts';
import type { RawData } from 'ws';
import type { DropReason } from './frame-guard.js';

/** One WebSocket message from Twilio: a message of its union, or why it is dropped. */
export type ParsedFrame = { message: TwilioInboundMessage } | { drop: DropReason };

/**
 * Parses one WebSocket message into the Twilio message union. The edge of the media stream:
 * whatever arrives (binary, invalid UTF-8 or JSON, any shape), it answers with a value and
 * never throws.
 */
export function parseFrame(data: RawData, isBinary: boolean): ParsedFrame {
  if (isBinary) return { drop: 'binary' };
  let value: unknown;
  try {
    value = JSON.parse(rawText(data));
  } catch {
    return { drop: 'invalid_json' };
  }
  const parsed = twilioInboundMessageSchema.safeParse(value);
  return parsed.success ? { message: parsed.data } : { drop: 'schema' };
}

/** A text frame's payload as a string (`ws` hands text frames over as bytes). */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(data).toString('utf8');
}
