import { z } from 'zod';
import { accountSidSchema, callSidSchema, phoneSchema, streamSidSchema } from './ids.js';

/**
 * Twilio Media Streams messages (bidirectional `<Connect><Stream>`), as Twilio sends them.
 * Every counter is a string on the wire. Unknown keys are tolerated and stripped.
 */
const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** Largest audio payload accepted in one inbound frame (base64 chars); Twilio sends 216. */
export const MAX_INBOUND_PAYLOAD_CHARS = 8_192;

export const twilioConnectedSchema = z.object({
  event: z.literal('connected'),
  protocol: z.string(),
  version: z.string(),
});

export const twilioStartSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: z.string(),
  streamSid: streamSidSchema,
  start: z.object({
    accountSid: accountSidSchema,
    streamSid: streamSidSchema,
    callSid: callSidSchema,
    tracks: z.array(z.string()),
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }),
  }),
});

export const twilioMediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: z.string(),
  streamSid: streamSidSchema,
  media: z.object({
    track: z.string(),
    chunk: z.string(),
    timestamp: z.string(),
    payload: base64Schema.max(MAX_INBOUND_PAYLOAD_CHARS),
  }),
});

export const twilioMarkSchema = z.object({
  event: z.literal('mark'),
  sequenceNumber: z.string().optional(),
  streamSid: streamSidSchema,
  mark: z.object({ name: z.string().min(1).max(256) }),
});

export const twilioDtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: z.string().optional(),
  streamSid: streamSidSchema,
  dtmf: z.object({ track: z.string(), digit: z.string().regex(/^[0-9*#A-D]$/) }),
});

export const twilioStopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: z.string().optional(),
  streamSid: streamSidSchema,
  stop: z.object({ accountSid: accountSidSchema, callSid: callSidSchema }),
});

/** Every message Twilio sends on a media stream. */
export const twilioInboundMessageSchema = z.discriminatedUnion('event', [
  twilioConnectedSchema,
  twilioStartSchema,
  twilioMediaSchema,
  twilioMarkSchema,
  twilioDtmfSchema,
  twilioStopSchema,
]);

export type TwilioInboundMessage = z.infer<typeof twilioInboundMessageSchema>;
export type TwilioStartMessage = z.infer<typeof twilioStartSchema>;
export type TwilioMediaMessage = z.infer<typeof twilioMediaSchema>;

/** The only three messages Twilio accepts from us on a bidirectional stream. */
export const twilioOutboundMessageSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('media'),
    streamSid: streamSidSchema,
    media: z.object({ payload: base64Schema }),
  }),
  z.object({ event: z.literal('mark'), streamSid: streamSidSchema, mark: z.object({ name: z.string() }) }),
  z.object({ event: z.literal('clear'), streamSid: streamSidSchema }),
]);
export type TwilioOutboundMessage = z.infer<typeof twilioOutboundMessageSchema>;

/** The parameters of Twilio's voice webhook (form-encoded) that we rely on. */
export const twilioVoiceWebhookSchema = z.looseObject({
  CallSid: callSidSchema,
  AccountSid: accountSidSchema,
  From: phoneSchema,
  To: phoneSchema,
  CallStatus: z.string(),
  Direction: z.string().optional(),
});
export type TwilioVoiceWebhook = z.infer<typeof twilioVoiceWebhookSchema>;

export const twilioCallStatusSchema = z.enum([
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
]);
export type TwilioCallStatus = z.infer<typeof twilioCallStatusSchema>;

/** Twilio's call status callback (form-encoded). */
export const twilioCallStatusCallbackSchema = z.looseObject({
  CallSid: callSidSchema,
  AccountSid: accountSidSchema,
  CallStatus: twilioCallStatusSchema,
  CallDuration: z.string().optional(),
  SequenceNumber: z.string().optional(),
  Timestamp: z.string().optional(),
});

/** Twilio's stream status callback (form-encoded). */
export const twilioStreamStatusCallbackSchema = z.looseObject({
  CallSid: callSidSchema,
  AccountSid: accountSidSchema,
  StreamSid: streamSidSchema,
  StreamEvent: z.enum(['stream-started', 'stream-stopped', 'stream-error']),
  StreamError: z.string().optional(),
  Timestamp: z.string().optional(),
});
