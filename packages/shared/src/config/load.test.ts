import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { devDefault } from './dev-defaults.js';
import { loadConfig } from './load.js';
import { baseConfigShape, httpConfigShape, twilioConfigShape } from './schemas.js';

const schema = z.object({
  ...baseConfigShape,
  ...httpConfigShape(8080),
  ...twilioConfigShape,
  SECRET: devDefault(z.string().min(16), 'dev-secret-0123456789'),
});

describe('loadConfig', () => {
  it('gives working development defaults', () => {
    const config = loadConfig(schema, {});
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.PORT).toBe(8080);
    expect(config.SECRET).toBe('dev-secret-0123456789');
    expect(config.LOG_SENSITIVE).toBe(false);
  });

  it('treats empty variables as unset and coerces numbers and flags', () => {
    const config = loadConfig(schema, { PORT: '9000', LOG_LEVEL: '', LOG_SENSITIVE: 'yes' });
    expect(config).toMatchObject({ PORT: 9000, LOG_LEVEL: 'info', LOG_SENSITIVE: true });
  });

  it('names every missing production variable and every invalid one', () => {
    let error: unknown;
    try {
      loadConfig(schema, { NODE_ENV: 'production', PORT: 'eighty', TWILIO_ACCOUNT_SID: 'AC123' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT:');
    expect(message).toContain('TWILIO_ACCOUNT_SID: must be a Twilio account SID');
    expect(message).toContain('TWILIO_AUTH_TOKEN is required');
    expect(message).toContain('SECRET is required');
  });
});
