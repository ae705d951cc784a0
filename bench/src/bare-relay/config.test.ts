import { describe, expect, it } from 'vitest';
import { bareRelayConfigSchema, realtimeUrl } from './config.js';

describe('bare relay config', () => {
  it('builds the realtime socket URL as the SDK does from its base URL', () => {
    expect(realtimeUrl('http://127.0.0.1:4443/v1', 'gpt-realtime')).toBe(
      'wss://127.0.0.1:4443/v1/realtime?model=gpt-realtime',
    );
    expect(realtimeUrl('https://api.openai.com/v1/', 'gpt-realtime')).toBe(
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
    );
  });

  it('needs the model URL, key and greeting; defaults the rest', () => {
    const config = bareRelayConfigSchema.parse({
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      OPENAI_API_KEY: 'sk-x',
      GREETING: 'Hello!',
    });
    expect(config).toMatchObject({ PORT: 5050, HOST: '127.0.0.1', OPENAI_REALTIME_MODEL: 'gpt-realtime' });
    expect(bareRelayConfigSchema.safeParse({ OPENAI_API_KEY: 'sk-x' }).success).toBe(false);
  });
});
