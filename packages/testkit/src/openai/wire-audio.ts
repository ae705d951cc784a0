import { linearToMulaw, mulawToLinear } from '../audio/mulaw.js';
import type { AudioFormat } from './session-schema.js';

export type WireFormat = AudioFormat['type'];

/** `audio/pcm` is 16-bit little-endian at 24 kHz: three samples per 8 kHz G.711 sample. */
const PCM_UPSAMPLE = 3;
const PCM_BYTES_PER_SAMPLE = 2;

/**
 * Agent audio as the API sends it: in the session's output format, whatever the client
 * expected. A session still in its initial `audio/pcm` (24 kHz, PROTOCOLS.md corrections)
 * sends 16-bit PCM, which a phone plays as mu-law: loud static. The fake speaks mu-law
 * internally, so it converts here.
 */
export function encodeAgentAudio(mulaw: Buffer, format: WireFormat): Buffer {
  if (format === 'audio/pcmu') return mulaw;
  if (format === 'audio/pcma')
    return Buffer.from(Uint8Array.from(mulaw, (byte) => linearToAlaw(mulawToLinear(byte))));
  const out = Buffer.alloc(mulaw.length * PCM_UPSAMPLE * PCM_BYTES_PER_SAMPLE);
  for (let i = 0; i < mulaw.length; i++) {
    const sample = mulawToLinear(mulaw[i] as number);
    for (let k = 0; k < PCM_UPSAMPLE; k++) {
      out.writeInt16LE(sample, (i * PCM_UPSAMPLE + k) * PCM_BYTES_PER_SAMPLE);
    }
  }
  return out;
}

/**
 * Caller audio as the API hears it: the bytes read in the session's input format (as mu-law
 * again, for the fake's VAD). Mu-law read as 24 kHz PCM is a third as long and noise.
 */
export function decodeCallerAudio(bytes: Buffer, format: WireFormat): Buffer {
  if (format === 'audio/pcmu') return bytes;
  if (format === 'audio/pcma')
    return Buffer.from(Uint8Array.from(bytes, (byte) => linearToMulaw(alawToLinear(byte))));
  const frame = PCM_UPSAMPLE * PCM_BYTES_PER_SAMPLE;
  const out = Buffer.alloc(Math.floor(bytes.length / frame));
  for (let i = 0; i < out.length; i++) out[i] = linearToMulaw(bytes.readInt16LE(i * frame));
  return out;
}

/** G.711 A-law (ITU-T G.711; the segment tables of the classic Sun `g711.c`). */
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function linearToAlaw(sample: number): number {
  let value = Math.max(-32_768, Math.min(32_767, Math.round(sample))) >> 3;
  const mask = value >= 0 ? 0xd5 : 0x55;
  if (value < 0) value = -value - 1;
  const segment = ALAW_SEGMENT_ENDS.findIndex((end) => value <= end);
  if (segment < 0) return 0x7f ^ mask;
  const quantised = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | quantised) ^ mask;
}

function alawToLinear(byte: number): number {
  const value = byte ^ 0x55;
  const segment = (value & 0x70) >> 4;
  let magnitude = ((value & 0x0f) << 4) + (segment === 0 ? 8 : 0x108);
  if (segment > 1) magnitude <<= segment - 1;
  return value & 0x80 ? magnitude : -magnitude;
}
