import { createLogger } from '@voice/shared/logging';
import { connectNats, type NatsConnection } from '@voice/shared/nats';
import type { SimulatedCall } from '@voice/testkit/twilio';
import type { TestInfraHandle } from '@voice/testkit/vitest';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { FakeBridge, type FakeClaim } from './fake-bridge.js';
import { type RealGateway, startRealGateway } from './real-gateway.js';

const logger = createLogger({ service: 'fake-bridge', level: 'silent' });

/** A suite's real gateway and one fake bridge, set up in `beforeAll`; read them inside tests. */
export interface GatewayWithBridge {
  readonly gateway: RealGateway;
  /** The fake bridge's own NATS connection, as a separate process would have. */
  readonly bridgeNc: NatsConnection;
  readonly bridge: FakeBridge;
  /** Keeps a call to hang up after the test (calls placed by `connectedCall` are kept already). */
  place(call: SimulatedCall): SimulatedCall;
  /** A call the bridge claimed and whose stream it heard `start` on. */
  connectedCall(): Promise<{ call: SimulatedCall; claim: FakeClaim }>;
}

/**
 * Registers the hooks that start the gateway (with `env` over the test config) and the fake
 * bridge once per suite, hang up each test's calls after it, and stop everything at the end.
 */
export function useGatewayWithBridge(
  infra: TestInfraHandle,
  env: Record<string, string> = {},
): GatewayWithBridge {
  let gateway: RealGateway | undefined;
  let bridgeNc: NatsConnection | undefined;
  let bridge: FakeBridge | undefined;
  const placed: SimulatedCall[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the gateway and bridge start in beforeAll');
    return value;
  };

  beforeAll(async () => {
    gateway = await startRealGateway(infra, env);
    bridgeNc = await connectNats({ url: infra.natsUrl, name: 'fake-bridge', logger });
    bridge = await new FakeBridge(bridgeNc).start();
  });
  afterEach(async () => {
    await Promise.all(placed.splice(0).map((call) => call.hangup()));
  });
  afterAll(async () => {
    bridge?.stop();
    await gateway?.close();
    await bridgeNc?.drain();
  });

  const handle: GatewayWithBridge = {
    get gateway() {
      return started(gateway);
    },
    get bridgeNc() {
      return started(bridgeNc);
    },
    get bridge() {
      return started(bridge);
    },
    place(call) {
      placed.push(call);
      return call;
    },
    async connectedCall() {
      const call = handle.place(await handle.gateway.call());
      const claim = await handle.bridge.claimOf(call.callSid);
      await claim.waitForControl('start');
      return { call, claim };
    },
  };
  return handle;
}
