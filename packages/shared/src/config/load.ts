import type { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { devDefaultOf } from './dev-defaults.js';

type Env = Record<string, string | undefined>;

/**
 * Parses the environment once, at start-up. Empty strings count as unset, so a
 * `FOO=` line in `.env` falls back to the default instead of failing obscurely.
 * Variables marked `devDefault` get their development value unless `NODE_ENV=production`.
 * Throws `ConfigError` naming every missing or invalid variable.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  if (cleaned.NODE_ENV !== 'production') {
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const fallback = devDefaultOf(field);
      if (cleaned[name] === undefined && fallback !== undefined) cleaned[name] = fallback;
    }
  }
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    return cleaned[name] === undefined
      ? `${name} is required (${issue.message})`
      : `${name}: ${issue.message}`;
  });
  throw new ConfigError(issues);
}
