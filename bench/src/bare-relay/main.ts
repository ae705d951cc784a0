/**
 * The bare relay baseline: one process that pipes the Twilio media socket straight to the
 * model socket, as the simplest public sample does. The benchmark runs it next to the system.
 */
import { readFileSync } from 'node:fs';
import { buildBareRelay } from './app.js';
import { bareRelayConfigSchema, realtimeUrl } from './config.js';

const config = bareRelayConfigSchema.parse(process.env);
const app = await buildBareRelay({
  url: realtimeUrl(config.OPENAI_BASE_URL, config.OPENAI_REALTIME_MODEL),
  apiKey: config.OPENAI_API_KEY,
  ca: config.OPENAI_EXTRA_CA_FILE ? readFileSync(config.OPENAI_EXTRA_CA_FILE, 'utf8') : undefined,
  greeting: config.GREETING,
  voice: config.VOICE,
});
await app.listen({ port: config.PORT, host: config.HOST });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
