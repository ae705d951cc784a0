import type { z } from 'zod';

const defaults = new WeakMap<z.ZodType, string>();

/**
 * Marks a variable that has a working default on a development machine but must be set
 * in production (`NODE_ENV=production`): secrets and public URLs. `loadConfig` fills it in.
 */
export function devDefault<T extends z.ZodType>(schema: T, value: string): T {
  defaults.set(schema, value);
  return schema;
}

export function devDefaultOf(schema: z.ZodType): string | undefined {
  return defaults.get(schema);
}
