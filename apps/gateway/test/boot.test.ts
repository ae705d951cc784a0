import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrationsFolder } from '@voice/shared/db';
import { freePort, startProcess } from '@voice/testkit/process';
import { placeCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { CALLER_MESSAGES } from '../src/twiml/answer.js';
import {
  AGENT_NUMBER,
  CALLER_NUMBER,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  TEST_TOKEN_SECRET,
} from './support/config.js';
import { seedAgent } from './support/real-gateway.js';

const DIST_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('the built gateway as a real process', () => {
  const infra = useTestInfra({ migrationsFolder });

  it('answers /healthz and a signed webhook, then exits 0 on SIGTERM', async () => {
    if (!existsSync(DIST_MAIN))
      throw new Error(`${DIST_MAIN} is missing: run npm run build -w @voice/gateway first`);
    const database = createDatabase({ url: infra.databaseUrl, max: 1 });
    await seedAgent(database);
    await database.close();

    const port = await freePort();
    const gateway = await startProcess({
      name: 'gateway',
      command: process.execPath,
      args: [DIST_MAIN],
      env: {
        NATS_URL: infra.natsUrl,
        DATABASE_URL: infra.databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
        TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
        STREAM_TOKEN_SECRET: TEST_TOKEN_SECRET,
        CLAIM_TIMEOUT_MS: '200',
      },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
    });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status, gateway.outputTail()).toBe(200);
      // No media-bridge runs here: the composed gateway must still answer, politely busy.
      const call = await placeCall({
        gatewayUrl: `http://127.0.0.1:${port}`,
        publicBaseUrl: TEST_PUBLIC_BASE_URL,
        accountSid: TEST_ACCOUNT_SID,
        authToken: TEST_AUTH_TOKEN,
        from: CALLER_NUMBER,
        to: AGENT_NUMBER,
      });
      await expect(call.ended).resolves.toMatchObject({ spoken: [CALLER_MESSAGES.busy] });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain(
        'gateway_webhooks_total{route="inbound",outcome="no_bridge",service="gateway"} 1',
      );
      expect(gateway.lines.join('\n')).not.toContain(CALLER_NUMBER);
    } finally {
      const exit = await gateway.stop('SIGTERM', 20_000);
      expect(exit, gateway.outputTail()).toEqual({ code: 0, signal: null });
    }
  });
});
