import { z } from 'zod';

/** The bare relay's environment. It takes what the simplest public sample takes, and no secrets of Twilio's. */
export const bareRelayConfigSchema = z.object({
  PORT: z.coerce.number().int().nonnegative().default(5050),
  HOST: z.string().default('127.0.0.1'),
  /** The model's base URL as the `openai` SDK takes it (`http(s)://host:port/v1`). */
  OPENAI_BASE_URL: z.string().url(),
  OPENAI_API_KEY: z.string().min(1),
  OPENAI_REALTIME_MODEL: z.string().default('gpt-realtime'),
  /** A CA (PEM file) the model socket trusts: the local fake's certificate. */
  OPENAI_EXTRA_CA_FILE: z.string().optional(),
  /** What the agent says first (the same line the system's agent greets with). */
  GREETING: z.string().min(1),
  VOICE: z.string().default('marin'),
});
/** The bare relay's parsed environment. */
export type BareRelayConfig = z.infer<typeof bareRelayConfigSchema>;

/** `http://host:port/v1` → `wss://host:port/v1/realtime?model=…`, as the SDK builds it. */
export function realtimeUrl(baseUrl: string, model: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/realtime`);
  url.protocol = 'wss:';
  url.searchParams.set('model', model);
  return url.toString();
}
