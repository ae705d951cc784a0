import { loadConfig } from '@voice/shared/config';
import { type GatewayConfig, gatewayConfigSchema } from '../../src/config.js';

export const TEST_ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const TEST_AUTH_TOKEN = 'gateway-test-auth-token';
export const TEST_TOKEN_SECRET = 'gateway-test-stream-token-secret';
/** What Twilio "thinks" the gateway is: signatures are computed over it, never over 127.0.0.1. */
export const TEST_PUBLIC_BASE_URL = 'https://gateway.test.example';
export const AGENT_NUMBER = '+15550001000';
export const CALLER_NUMBER = '+15550100001';

/** The gateway's configuration as a test wants it: parsed by the real schema. */
export function testConfig(env: Record<string, string> = {}): GatewayConfig {
  return loadConfig(gatewayConfigSchema, {
    NODE_ENV: 'test',
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    STREAM_TOKEN_SECRET: TEST_TOKEN_SECRET,
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}
