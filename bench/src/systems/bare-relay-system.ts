import { DEMO_AGENT_NUMBER, DEMO_CALLER_NUMBER } from '@voice/shared/db';
import { freePort, startProcess } from '@voice/testkit/process';
import { TEST_SECRETS } from '@voice/testkit/system';
import { relayLoopLagProbe } from '../measure/service-probes.js';
import type { SystemUnderTest } from './system-under-test.js';

/** Where the bare relay's code is and the model it pipes to. */
export interface BareRelayOptions {
  /** `bench/dist/bare-relay/main.js`. */
  mainPath: string;
  openaiBaseUrl: string;
  openaiApiKey: string;
  openaiCaFile: string;
  /** The line the system's agent greets with, so both calls start the same way. */
  greeting: string;
}

/** The baseline: the bare relay as its own process, dialled by the same simulated callers. */
export async function startBareRelay(options: BareRelayOptions): Promise<SystemUnderTest> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const relay = await startProcess({
    name: 'bare-relay',
    command: process.execPath,
    args: [options.mainPath],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      OPENAI_BASE_URL: options.openaiBaseUrl,
      OPENAI_API_KEY: options.openaiApiKey,
      OPENAI_EXTRA_CA_FILE: options.openaiCaFile,
      GREETING: options.greeting,
    },
    readyUrl: `${url}/healthz`,
  });
  return {
    name: 'baseline',
    label: 'bare relay (one process, no NATS, no DB, no checks)',
    target: {
      gatewayUrl: url,
      publicBaseUrl: url,
      statusCallbackPath: null,
      accountSid: TEST_SECRETS.twilioAccountSid,
      authToken: TEST_SECRETS.twilioAuthToken,
      from: DEMO_CALLER_NUMBER,
      to: DEMO_AGENT_NUMBER,
    },
    groups: [{ role: 'bare-relay', owner: 'baseline', pid: relay.pid, memory: true, mediaPath: true }],
    lagProbes: [relayLoopLagProbe('bare-relay', url)],
    hasTools: false,
    // It keeps no state beyond the sockets: the fake model's live sessions tell when it is idle.
    waitIdle: async () => true,
    stop: async () => {
      await relay.stop('SIGTERM', 10_000);
    },
  };
}
