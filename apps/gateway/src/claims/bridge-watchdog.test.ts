import { mediaSubjects } from '@voice/shared/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeLossReason, BridgeWatchdog, type WatchedClaim } from './bridge-watchdog.js';
import type { ProbeResult } from './media-bus.js';

const CALL = `CA${'e'.repeat(32)}`;

/** A bus whose connection age and probe answers the test sets. */
class FakeBus {
  connectedMs: number | undefined = 60_000;
  answer: ProbeResult = 'unknown';
  probes = 0;
  connectedForMs = () => this.connectedMs;
  probe = async () => {
    this.probes++;
    return this.answer;
  };
}

function setup(heartbeatAt: () => number | undefined) {
  const bus = new FakeBus();
  const clock = { now: 0 };
  const watchdog = new BridgeWatchdog({ bus, suspectAfterMs: 800, lostAfterMs: 3_000, now: () => clock.now });
  const lost: BridgeLossReason[] = [];
  const claim: WatchedClaim = {
    callSid: CALL,
    subjects: mediaSubjects(CALL, 'claim-1'),
    lastHeardAt: heartbeatAt,
    onLost: (reason) => lost.push(reason),
  };
  const stop = watchdog.watch(claim);
  /** Advances the clock and checks, letting a probe's answer arrive. */
  const at = async (ms: number) => {
    clock.now = ms;
    watchdog.check();
    await Promise.resolve();
    await Promise.resolve();
  };
  return { bus, watchdog, lost, stop, at };
}

describe('BridgeWatchdog', () => {
  let stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops) stop();
    stops = [];
  });

  it('leaves a heartbeating bridge alone', async () => {
    let beat = 0;
    const { bus, lost, stop, at } = setup(() => beat);
    stops.push(stop);
    for (let t = 250; t <= 10_000; t += 250) {
      beat = t - 100;
      await at(t);
    }
    expect(bus.probes).toBe(0);
    expect(lost).toEqual([]);
  });

  it('probes a silent bridge and loses it at once when nobody listens any more', async () => {
    const { bus, lost, watchdog, at } = setup(() => 0);
    await at(700);
    expect(bus.probes).toBe(0);
    await at(800);
    expect(bus.probes).toBe(1);
    expect(lost).toEqual([]);
    bus.answer = 'gone';
    await at(1_050);
    expect(lost).toEqual(['gone']);
    expect(watchdog.size).toBe(0);
  });

  it('gives up a bridge that is silent but still subscribed (hung) only after lostAfterMs', async () => {
    const { bus, lost, at } = setup(() => 0);
    bus.answer = 'alive';
    await at(2_000);
    expect(lost).toEqual([]);
    await at(3_000);
    expect(lost).toEqual(['silent']);
  });

  it('never takes silence for death while the gateway is disconnected or just reconnected', async () => {
    const { bus, lost, at } = setup(() => 0);
    bus.answer = 'gone';
    bus.connectedMs = undefined;
    await at(10_000);
    bus.connectedMs = 1_000;
    await at(11_000);
    expect(bus.probes).toBe(0);
    expect(lost).toEqual([]);
    // Connected for 3 s again, and the bridge has not spoken since: now it is given up.
    bus.connectedMs = 3_000;
    await at(13_000);
    expect(lost).toEqual(['silent']);
  });

  it('does not lose a bridge that never sent a heartbeat on silence alone (only a probe can)', async () => {
    const { bus, lost, stop, at } = setup(() => undefined);
    stops.push(stop);
    await at(60_000);
    expect(bus.probes).toBe(1);
    expect(lost).toEqual([]);
  });
});
