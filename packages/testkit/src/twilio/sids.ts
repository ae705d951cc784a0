import { randomBytes } from 'node:crypto';

/** A Twilio SID: a two-letter prefix (`CA` call, `MZ` stream, `AC` account) and 32 hex digits. */
export function randomSid(prefix: 'CA' | 'MZ' | 'AC'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}
