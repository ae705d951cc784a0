import { createLogger } from '@voice/shared/logging';
import { Registry } from '@voice/shared/telemetry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBridgeMetrics } from '../metrics.js';
import { type LiveSession, SessionRegistry } from './session-registry.js';

/** A live call that is quiet when the test says so, and records its hand-back. */
class FakeSession implements LiveSession {
  quiet = false;
  handedBack = false;
  constructor(
    readonly callSid: string,
    private readonly registry: SessionRegistry,
  ) {}
  readonly claimId = 'claim-1';
  heartbeat(): void {}
  end(): void {
    this.registry.remove(this);
  }
  isQuiet(): boolean {
    return this.quiet;
  }
  async handBack(): Promise<void> {
    this.handedBack = true;
    this.end();
  }
}

describe('SessionRegistry hand-over on shutdown', () => {
  afterEach(() => vi.useRealTimers());

  it('hands a quiet call back at once, a busy one at its first quiet moment, and the rest at the deadline', async () => {
    vi.useFakeTimers();
    const registry = new SessionRegistry(
      10,
      createBridgeMetrics(new Registry()),
      createLogger({ service: 'registry-test', level: 'silent' }),
    );
    const [quiet, busy, talkative] = ['CA1', 'CA2', 'CA3'].map((sid) => {
      registry.reserve();
      const session = new FakeSession(sid, registry);
      registry.add(session);
      return session;
    }) as [FakeSession, FakeSession, FakeSession];
    quiet.quiet = true;

    registry.handOverWhenQuiet(3_000);
    const empty = registry.whenEmpty(5_000);
    await vi.advanceTimersByTimeAsync(0);
    expect([quiet.handedBack, busy.handedBack, talkative.handedBack]).toEqual([true, false, false]);

    await vi.advanceTimersByTimeAsync(1_000);
    busy.quiet = true;
    await vi.advanceTimersByTimeAsync(100);
    expect([busy.handedBack, talkative.handedBack]).toEqual([true, false]);

    await vi.advanceTimersByTimeAsync(2_000);
    expect(talkative.handedBack).toBe(true);
    await expect(empty).resolves.toBe(true);
  });
});
