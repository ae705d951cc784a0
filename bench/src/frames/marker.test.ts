import { mulawRms } from '@voice/testkit/openai';
import { FRAME_BYTES, MULAW_SILENCE, mulawTone } from '@voice/testkit/twilio';
import { describe, expect, it } from 'vitest';
import { MARKER_BYTES, readMarker, readMarkerFromBase64, writeMarker } from './marker.js';

/** The fake model's VAD: a frame at or above this RMS is speech (threshold 0.5 × 0.1). */
const SPEECH_RMS = 0.05;

describe('frame marker', () => {
  it('round-trips stream, sequence number and send time (to the microsecond)', () => {
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    const marker = { stream: 65_535, seq: 12_345_678, sentAtMs: 98_765_432.123 };
    writeMarker(frame, marker);
    expect(readMarker(frame)).toEqual(marker);
    expect(readMarkerFromBase64(frame.toString('base64'))).toEqual(marker);
    expect(frame.subarray(MARKER_BYTES).every((byte) => byte === MULAW_SILENCE)).toBe(true);
  });

  it('keeps a silent frame silent and a loud frame loud for voice activity detection', () => {
    const silent = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    writeMarker(silent, { stream: 1, seq: 2, sentAtMs: 3 });
    expect(mulawRms(silent)).toBeLessThan(SPEECH_RMS / 10);
    const loud = mulawTone(20);
    writeMarker(loud, { stream: 1, seq: 2, sentAtMs: 3 });
    expect(mulawRms(loud)).toBeGreaterThan(SPEECH_RMS * 2);
  });

  it('finds no marker in plain audio or a damaged one', () => {
    expect(readMarker(Buffer.alloc(FRAME_BYTES, MULAW_SILENCE))).toBeUndefined();
    expect(readMarker(mulawTone(20))).toBeUndefined();
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    writeMarker(frame, { stream: 7, seq: 8, sentAtMs: 9 });
    frame[10] = 0xf0 | (((frame[10] as number) + 1) % 16);
    expect(readMarker(frame)).toBeUndefined();
    expect(readMarker(frame.subarray(0, MARKER_BYTES - 1))).toBeUndefined();
  });
});
