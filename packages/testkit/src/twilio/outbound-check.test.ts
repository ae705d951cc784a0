import { describe, expect, it } from 'vitest';
import { checkOutbound } from './outbound-check.js';

const SID = `MZ${'a'.repeat(32)}`;
const refusal = (value: unknown) => {
  const verdict = checkOutbound(value, SID);
  return verdict.ok ? 'accepted' : verdict.error;
};

describe('checkOutbound (what Twilio accepts from the media server)', () => {
  it('accepts media, mark and clear with exactly their fields', () => {
    expect(checkOutbound({ event: 'media', streamSid: SID, media: { payload: '/38=' } }, SID)).toEqual({
      ok: true,
      message: { event: 'media', audio: Buffer.from([0xff, 0x7f]) },
    });
    expect(checkOutbound({ event: 'mark', streamSid: SID, mark: { name: 'm1' } }, SID)).toEqual({
      ok: true,
      message: { event: 'mark', name: 'm1' },
    });
    expect(refusal({ event: 'clear', streamSid: SID })).toBe('accepted');
  });

  it('refuses what warning 31951 lists: other events, missing or extra fields, another stream', () => {
    expect(refusal([1])).toBe('not a JSON object (31951)');
    expect(refusal({ event: 'stop', streamSid: SID })).toBe('unsupported event "stop" (31951)');
    expect(refusal({ event: 'clear' })).toBe('clear with fields event (31951)');
    expect(refusal({ event: 'clear', streamSid: SID, extra: 1 })).toBe(
      'clear with fields event,streamSid,extra (31951)',
    );
    expect(refusal({ event: 'clear', streamSid: `MZ${'b'.repeat(32)}` })).toBe(
      'wrong streamSid on clear (31951)',
    );
    expect(refusal({ event: 'mark', streamSid: SID, mark: {} })).toBe('mark without a name (31951)');
    expect(refusal({ event: 'mark', streamSid: SID, mark: { name: 7 } })).toBe('mark without a name (31951)');
    expect(refusal({ event: 'mark', streamSid: SID, mark: { name: '' } })).toBe(
      'mark without a name (31951)',
    );
  });

  it('refuses media that is not base64 raw mu-law', () => {
    const media = (payload: unknown) => refusal({ event: 'media', streamSid: SID, media: { payload } });
    expect(media('not base64!')).toBe('media payload is not base64 (31951)');
    expect(media('AAA')).toBe('media payload is not base64 (31951)');
    expect(media(42)).toBe('media payload is not base64 (31951)');
    expect(media(Buffer.from('RIFF\0\0\0\0WAVEfmt ').toString('base64'))).toBe(
      'media payload with a WAV header (31951)',
    );
  });
});
