import { describe, expect, it } from 'vitest';
import { mediaBridgeConfigSchema } from './config.js';

const sessionMax = mediaBridgeConfigSchema.shape.MODEL_SESSION_MAX_MS;
const MINUTE = 60_000;

describe('MODEL_SESSION_MAX_MS follows the GA session limit (60 minutes)', () => {
  it('rotates at 55 minutes by default, not at the beta-era 28', () => {
    expect(sessionMax.parse(undefined)).toBe(55 * MINUTE);
  });

  it('may be set up to a minute before the limit, and no closer', () => {
    expect(sessionMax.parse(String(59 * MINUTE))).toBe(59 * MINUTE);
    expect(sessionMax.safeParse(String(60 * MINUTE)).success).toBe(false);
  });
});
