import { loadConfig } from '@voice/shared/config';
import { describe, expect, it } from 'vitest';
import { drainTimeoutMs, gatewayConfigSchema } from './config.js';

describe('gateway configuration', () => {
  it('has working development defaults', () => {
    const config = loadConfig(gatewayConfigSchema, {});
    expect(config).toMatchObject({ CLAIM_TIMEOUT_MS: 1_500, CLAIM_ATTEMPTS: 3, STREAM_TOKEN_TTL_MS: 60_000 });
    expect(drainTimeoutMs(config)).toBe(7_000);
  });

  it('derives the drain from the shutdown budget, and refuses a drain that does not fit in it', () => {
    expect(drainTimeoutMs(loadConfig(gatewayConfigSchema, { SHUTDOWN_TIMEOUT_MS: '2000' }))).toBe(0);
    expect(drainTimeoutMs(loadConfig(gatewayConfigSchema, { DRAIN_TIMEOUT_MS: '1500' }))).toBe(1_500);
    expect(() => loadConfig(gatewayConfigSchema, { DRAIN_TIMEOUT_MS: '20000' })).toThrow(
      /DRAIN_TIMEOUT_MS: must be shorter than SHUTDOWN_TIMEOUT_MS/,
    );
  });

  it('requires the secrets and the public URL in production', () => {
    expect(() => loadConfig(gatewayConfigSchema, { NODE_ENV: 'production' })).toThrow(
      /STREAM_TOKEN_SECRET is required[\s\S]*PUBLIC_BASE_URL is required|PUBLIC_BASE_URL is required[\s\S]*STREAM_TOKEN_SECRET is required/,
    );
  });
});
