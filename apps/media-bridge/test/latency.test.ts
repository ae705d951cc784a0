import { migrationsFolder } from '@voice/shared/db';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, startBridgeHarness } from './support/bridge-harness.js';
import { FakeGatewayCall } from './support/fake-gateway.js';

const infra = useTestInfra({ migrationsFolder });
const AGENT = 'latency-agent';
const RUNS = 5;
const LONG_GREETING =
  'Hello and thank you for calling the test clinic, where every appointment is on time and every question gets an answer.';

let harness: BridgeHarness;

beforeAll(async () => {
  harness = await startBridgeHarness({
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    agents: [{ id: AGENT, greeting: LONG_GREETING }],
  });
});

afterAll(async () => {
  await harness?.stop();
});

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const round = (ms: number) => Math.round(ms * 10) / 10;

describe('latency on this machine (fake model answering at once)', () => {
  it('greets fast after the claim and clears the caller side fast on barge-in', async () => {
    const setup: number[] = [];
    const startToAudio: number[] = [];
    const bargeInBridge: number[] = [];
    const speechToClear: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const claimedAt = performance.now();
      const call = await FakeGatewayCall.claim(harness.nc, { agentId: AGENT });
      const startedAt = performance.now();
      call.start();
      const firstAudio = await call.waitFor(
        () => call.received.find((r) => r.kind === 'audio'),
        10_000,
        'audio',
      );
      startToAudio.push(firstAudio.at - startedAt);
      await call.waitFor(() => call.heardMs >= 1_000, 10_000, 'a second of greeting');
      call.say(600);
      const clear = await call.waitFor(() => call.controls('clear')[0], 10_000, 'a clear');
      speechToClear.push(clear.at - (call.utterances[0]?.at ?? clear.at));
      const latencies = await call.waitFor(() => {
        const all = harness.eventsOf(call.claim.callSid, 'latency');
        const greeting = all.find((l) => l.kind === 'setup');
        const bargeIn = all.find((l) => l.kind === 'barge_in');
        return greeting && bargeIn ? { greeting, bargeIn } : undefined;
      });
      setup.push(latencies.greeting.valueMs);
      bargeInBridge.push(latencies.bargeIn.valueMs);
      expect(firstAudio.at - claimedAt).toBeLessThan(3_000);
      call.stop('caller_hangup');
    }
    const figures = {
      setupClaimToFirstGreetingAudioMs: round(p50(setup)),
      startToFirstAudioAtGatewayMs: round(p50(startToAudio)),
      bargeInSpeechStartedToClearSentMs: round(p50(bargeInBridge)),
      bargeInFirstLoudFrameToClearAtGatewayMs: round(p50(speechToClear)),
    };
    console.log(`media-bridge latency p50 of ${RUNS} calls: ${JSON.stringify(figures)}`);
    expect(figures.setupClaimToFirstGreetingAudioMs).toBeLessThan(1_500);
    expect(figures.bargeInSpeechStartedToClearSentMs).toBeLessThan(20);
    expect(figures.bargeInFirstLoudFrameToClearAtGatewayMs).toBeLessThan(300);
  });
});
