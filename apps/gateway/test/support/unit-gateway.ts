import { createLogger } from '@voice/shared/logging';
import { Registry } from '@voice/shared/telemetry';
import { twilioSignature } from '@voice/shared/twilio';
import { buildGatewayApp, type GatewayApp } from '../../src/app.js';
import type { GatewayConfig } from '../../src/config.js';
import { createGatewayMetrics, type GatewayMetrics } from '../../src/metrics.js';
import {
  AGENT_NUMBER,
  CALLER_NUMBER,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  testConfig,
} from './config.js';
import {
  FakeAgentDirectory,
  FakeCallControl,
  FakeCallStreams,
  FakeMediaBus,
  RecordingEventSink,
} from './fakes.js';

export const AGENT_ID = 'test-agent';

/** A gateway on fakes, for `inject()` tests. */
export interface UnitGateway {
  app: GatewayApp;
  config: GatewayConfig;
  agents: FakeAgentDirectory;
  streams: FakeCallStreams;
  bus: FakeMediaBus;
  events: RecordingEventSink;
  control: FakeCallControl;
  metrics: GatewayMetrics;
  registry: Registry;
  draining: { value: boolean };
  close(): Promise<void>;
}

export async function unitGateway(env: Record<string, string> = {}): Promise<UnitGateway> {
  const config = testConfig(env);
  const agents = new FakeAgentDirectory();
  agents.agents.set(AGENT_NUMBER, AGENT_ID);
  const streams = new FakeCallStreams();
  const bus = new FakeMediaBus();
  const events = new RecordingEventSink();
  const control = new FakeCallControl();
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry);
  const draining = { value: false };
  const app = await buildGatewayApp({
    config,
    logger: createLogger({ service: 'gateway-test', level: config.LOG_LEVEL }),
    agents,
    streams,
    bus,
    events,
    callControl: control,
    metrics,
    gatewayId: 'gateway-test',
    isDraining: () => draining.value,
  });
  await app.http.ready();
  return {
    app,
    config,
    agents,
    streams,
    bus,
    events,
    control,
    metrics,
    registry,
    draining,
    close: () => app.http.close(),
  };
}

let sequence = 0;

/** A fresh call SID. */
export function callSid(): string {
  sequence++;
  return `CA${sequence.toString(16).padStart(32, '0')}`;
}

/** Twilio's voice webhook parameters for a call. */
export function voiceParams(sid: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: TEST_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: sid,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: CALLER_NUMBER,
    To: AGENT_NUMBER,
    ...overrides,
  };
}

/** An `inject()` request exactly as Twilio would send it: a form signed over the public URL. */
export function signedPost(path: string, params: Record<string, string>, signature?: string) {
  return {
    method: 'POST' as const,
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature':
        signature ?? twilioSignature(TEST_AUTH_TOKEN, `${TEST_PUBLIC_BASE_URL}${path}`, params),
    },
    payload: new URLSearchParams(params).toString(),
  };
}
