import { z } from 'zod';
import { streamSidSchema } from './ids.js';

/**
 * Control messages that travel next to the audio of one claim (see `mediaSubjects`).
 * Audio itself is never wrapped: its message body is the base64 payload, untouched.
 */

/** Longest mark name either side accepts. */
export const MAX_MARK_NAME_CHARS = 256;

/** gateway → bridge. */
export const mediaInControlSchema = z.discriminatedUnion('type', [
  /** Twilio's media stream is up: the bridge may speak (the greeting, or resume after failover). */
  z.object({ type: z.literal('start'), streamSid: streamSidSchema }),
  /** Twilio played (or cleared) everything queued before this mark. */
  z.object({ type: z.literal('mark'), name: z.string().min(1).max(MAX_MARK_NAME_CHARS) }),
  z.object({ type: z.literal('dtmf'), digit: z.string().regex(/^[0-9*#A-D]$/) }),
  /** The stream is over: the caller hung up, the call moved (transfer) or the gateway closed it. */
  z.object({
    type: z.literal('stop'),
    reason: z.enum(['caller_hangup', 'stream_closed', 'call_ended', 'transferred', 'claim_superseded']),
  }),
  z.object({ type: z.literal('heartbeat'), sentAt: z.number() }),
]);
export type MediaInControl = z.infer<typeof mediaInControlSchema>;

/** bridge → gateway. */
export const mediaOutControlSchema = z.discriminatedUnion('type', [
  /** Forward as a Twilio `mark`: its echo tells the bridge the audio before it was heard. */
  z.object({ type: z.literal('mark'), name: z.string().min(1).max(MAX_MARK_NAME_CHARS) }),
  /** Barge-in: Twilio drops the audio it has not played yet. */
  z.object({ type: z.literal('clear') }),
  /** The bridge is alive and owns the claim; silence from it means it is gone. */
  z.object({ type: z.literal('heartbeat'), sentAt: z.number() }),
  /** The bridge gives the call back (draining); the gateway claims it again elsewhere. */
  z.object({ type: z.literal('release'), reason: z.enum(['draining', 'session_failed']) }),
]);
export type MediaOutControl = z.infer<typeof mediaOutControlSchema>;

/** How often a bridge proves it is alive on each call it holds. */
export const BRIDGE_HEARTBEAT_INTERVAL_MS = 500;
