import { describe, expect, it } from 'vitest';
import { decodeJson } from './codec.js';
import { twilioInboundMessageSchema } from './twilio.js';

const CALL = `CA${'a'.repeat(32)}`;
const STREAM = `MZ${'b'.repeat(32)}`;
const ACCOUNT = `AC${'c'.repeat(32)}`;

describe('Twilio media stream frames', () => {
  it('parses a start frame with its custom parameters', () => {
    const frame = JSON.stringify({
      event: 'start',
      sequenceNumber: '1',
      streamSid: STREAM,
      start: {
        accountSid: ACCOUNT,
        streamSid: STREAM,
        callSid: CALL,
        tracks: ['inbound'],
        customParameters: { token: 'abc' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    const parsed = decodeJson(twilioInboundMessageSchema, frame, 'twilio frame');
    expect(parsed.ok).toBe(true);
    if (parsed.ok && parsed.value.event === 'start') {
      expect(parsed.value.start.callSid).toBe(CALL);
      expect(parsed.value.start.customParameters).toEqual({ token: 'abc' });
    }
  });

  it('parses a media frame and keeps the payload as sent', () => {
    const payload = Buffer.alloc(160, 0xff).toString('base64');
    const parsed = decodeJson(
      twilioInboundMessageSchema,
      JSON.stringify({
        event: 'media',
        sequenceNumber: '3',
        streamSid: STREAM,
        media: { track: 'inbound', chunk: '1', timestamp: '20', payload },
      }),
      'twilio frame',
    );
    expect(parsed.ok && parsed.value.event === 'media' && parsed.value.media.payload).toBe(payload);
  });

  it('rejects invalid JSON, unknown events and call SIDs that could escape a subject', () => {
    expect(decodeJson(twilioInboundMessageSchema, '{not json', 'f')).toMatchObject({
      ok: false,
      error: { code: 'contract_invalid', issues: ['not valid JSON'] },
    });
    expect(decodeJson(twilioInboundMessageSchema, '{"event":"bogus"}', 'f').ok).toBe(false);
    const stop = { event: 'stop', streamSid: STREAM, stop: { accountSid: ACCOUNT, callSid: 'CA.*.>' } };
    const parsed = decodeJson(twilioInboundMessageSchema, JSON.stringify(stop), 'f');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.issues.join()).toContain('stop.callSid');
  });

  it('rejects oversized audio payloads and non-base64 payloads', () => {
    const media = (payload: string) =>
      JSON.stringify({
        event: 'media',
        sequenceNumber: '3',
        streamSid: STREAM,
        media: { track: 'inbound', chunk: '1', timestamp: '20', payload },
      });
    expect(decodeJson(twilioInboundMessageSchema, media('A'.repeat(9_000)), 'f').ok).toBe(false);
    expect(decodeJson(twilioInboundMessageSchema, media('not base64!'), 'f').ok).toBe(false);
  });
});
