import { describe, expect, it } from 'vitest';
import { readMarkerFromBase64, writeMarker } from './marker.js';
import { restampMediaMessage } from './restamp.js';

function mediaMessage(sentAtMs: number): { text: string; payload: string } {
  const frame = Buffer.alloc(160, 0xff);
  frame[100] = 0x12;
  writeMarker(frame, { stream: 7, seq: 42, sentAtMs });
  const payload = frame.toString('base64');
  const text = JSON.stringify({
    event: 'media',
    sequenceNumber: '3',
    streamSid: 'MZ1',
    media: { track: 'inbound', chunk: '2', timestamp: '20', payload },
  });
  return { text, payload };
}

describe('restampMediaMessage', () => {
  it('moves the send time and keeps the stream, sequence number and the rest of the audio', () => {
    const { text, payload } = mediaMessage(1_000.5);
    const restamped = restampMediaMessage(text, 1_017.25);
    expect(restamped?.marker).toEqual({ stream: 7, seq: 42, sentAtMs: 1_017.25 });
    const parsed = JSON.parse(restamped?.text ?? '{}') as { media: { payload: string } };
    expect(readMarkerFromBase64(parsed.media.payload)).toEqual({ stream: 7, seq: 42, sentAtMs: 1_017.25 });
    expect(parsed.media.payload.length).toBe(payload.length);
    expect(Buffer.from(parsed.media.payload, 'base64').subarray(30)).toEqual(
      Buffer.from(payload, 'base64').subarray(30),
    );
  });

  it('leaves messages without a marker alone', () => {
    expect(restampMediaMessage('{"event":"media","media":{"payload":"////"}}', 5)).toBeUndefined();
    expect(restampMediaMessage('{"event":"mark"}', 5)).toBeUndefined();
  });
});
