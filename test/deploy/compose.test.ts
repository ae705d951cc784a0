import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escalationConfigSchema } from '@voice/escalation/config';
import { gatewayConfigSchema } from '@voice/gateway/config';
import { mediaBridgeConfigSchema } from '@voice/media-bridge/config';
import { orderStatusWorkerConfigSchema } from '@voice/order-status-worker/config';
import { recorderConfigSchema } from '@voice/recorder/config';
import { loadConfig } from '@voice/shared/config';
import { toolRunnerConfigSchema } from '@voice/tool-runner/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { repoRoot } from '../repo.js';

interface ComposeService {
  build?: unknown;
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const APPS: Record<string, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  'media-bridge': mediaBridgeConfigSchema,
  'tool-runner': toolRunnerConfigSchema,
  escalation: escalationConfigSchema,
  recorder: recorderConfigSchema,
  'order-status-worker': orderStatusWorkerConfigSchema,
};

/** `${NAME:?message}` / `${NAME:-default}` / `${NAME}` → the value from .env.example. */
function interpolate(value: string, env: Record<string, string>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(/\$\{([A-Z0-9_]+)(?::[?-][^}]*)?\}/g, (_m, name: string) => {
    if (env[name] === undefined) missing.push(name);
    return env[name] ?? '';
  });
  return { value: out, missing };
}

describe('docker-compose.yml', () => {
  let services: Record<string, ComposeService>;
  let example: Record<string, string>;

  beforeAll(async () => {
    const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true });
    services = compose.services;
    example = Object.fromEntries(
      (await readFile(join(repoRoot, '.env.example'), 'utf8'))
        .split('\n')
        .filter((line) => /^[A-Z0-9_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  });

  it('runs NATS with JetStream, Postgres, a one-shot migration and every app with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['migrate', 'nats', 'postgres', ...Object.keys(APPS)].sort(),
    );
    expect(services.nats?.healthcheck).toBeDefined();
    expect(JSON.stringify(services.nats)).toContain('-js');
    expect(services.migrate?.environment?.APP).toBe('migrate');
    for (const app of Object.keys(APPS)) {
      const service = services[app];
      expect(service?.environment?.APP, app).toBe(app);
      expect(service?.healthcheck?.test.join(' '), app).toContain('/healthz');
      expect(service?.depends_on?.migrate?.condition, app).toBe('service_completed_successfully');
    }
  });

  it.each(Object.keys(APPS))('sets every variable %s requires in production', (app) => {
    const environment = services[app]?.environment ?? {};
    const env: Record<string, string> = {};
    for (const [key, raw] of Object.entries(environment)) {
      const { value, missing } = interpolate(String(raw), example);
      expect(missing, `${app}.${key} refers to variables missing from .env.example`).toEqual([]);
      env[key] = value;
    }
    expect(env.NODE_ENV).toBe('production');
    const schema = APPS[app] as z.ZodObject;
    expect(() => loadConfig(schema, env)).not.toThrow();
  });

  it('documents in .env.example every variable any app reads', async () => {
    const text = await readFile(join(repoRoot, '.env.example'), 'utf8');
    const names = new Set(Object.values(APPS).flatMap((schema) => Object.keys(schema.shape)));
    // Set (`NAME=`) or, for optional ones, shown commented out (`# NAME=`).
    const undocumented = [...names].filter((name) => !new RegExp(`^(# )?${name}=`, 'm').test(text));
    expect(undocumented).toEqual([]);
  });
});
