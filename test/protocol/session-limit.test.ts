/**
 * Issue 12, case 3: the bridge's session cap was the beta's. GA sessions last 60 minutes (then
 * the server sends `session_expired` and closes); the bridge rotated at 28 minutes and could not
 * be set above 30, so every long call paid a restore gap and re-sent the conversation for nothing.
 * Before (c719109): a bridge configured to rotate at 59 minutes refused to start, and by default
 * the caller of a long call sat through a rotation at 28 minutes.
 * After: rotation defaults to 55 minutes and may be set up to 59; here, with the fake's limit and
 * the bridge's cap shrunk alike, the bridge rotates before the server ends the session: the
 * caller hears no error and the call goes on.
 */
import { mediaBridgeConfigSchema } from '@voice/media-bridge/config';
import { migrationsFolder } from '@voice/shared/db';
import type { SimulatedCall } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTurn, exchange } from '../faults/support/conversation.js';
import { type FaultSystem, startFaultSystem } from '../faults/support/fault-system.js';
import { eventsOf, storedCallEvents } from '../faults/support/records.js';

const MINUTE = 60_000;
/** The fake server's session limit, shrunk from GA's 60 minutes. */
const SERVER_LIMIT_MS = 15_000;
/** The bridge's cap, shrunk alike: rotation is due well before the server's limit. */
const BRIDGE_CAP_MS = 9_000;

describe('case 3: the model session follows the GA limit of 60 minutes', () => {
  const infra = useTestInfra({ migrationsFolder });
  let faults: FaultSystem;
  let call: SimulatedCall | undefined;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, {
      model: { maxSessionMs: SERVER_LIMIT_MS },
      appEnv: { 'media-bridge': { MODEL_SESSION_MAX_MS: String(BRIDGE_CAP_MS) } },
    });
  });
  afterAll(async () => {
    if (call && !call.isEnded) await call.hangup();
    await faults?.stop();
  });

  it('rotates at 55 minutes by default, not 28', () => {
    expect(mediaBridgeConfigSchema.shape.MODEL_SESSION_MAX_MS.parse(undefined)).toBe(55 * MINUTE);
  });

  it('rotates before the server ends the session: no error heard, the call goes on', async () => {
    const before = faults.model.sessions.length;
    call = await faults.call();
    await agentTurn(call, 0);
    const first = await faults.model.waitForSession(before);

    // The bridge closes the first session itself (1000), before the server's limit (1001).
    await faults.model.waitFor(() => first.closed, BRIDGE_CAP_MS + 10_000, 'the first session to close');
    expect(first.closed?.code).toBe(1000);
    expect(performance.now() - first.connectedAt).toBeLessThan(SERVER_LIMIT_MS);
    const next = await faults.model.waitForSession(before + 1);
    expect(next.eventsOf('conversation.item.create').length).toBeGreaterThan(0);

    const after = await exchange(call);
    expect(after.answeredAt - after.saidAt).toBeLessThan(3_000);
    expect(call.isEnded).toBe(false);
    const expired = faults.model.sessions.flatMap((s) =>
      s.sentOf('error').filter((e) => (e.error as { code?: string }).code === 'session_expired'),
    );
    expect(expired).toEqual([]);

    const stored = await storedCallEvents(faults.nc, call.callSid);
    const restores = eventsOf(stored, 'session.restored');
    expect(restores.length).toBeGreaterThan(0);
    expect(restores.every((event) => event.reason === 'session_cap')).toBe(true);
    await call.hangup();
    call = undefined;
  });

  it('a bridge may be set to rotate at 59 minutes (the beta-era bridge refused anything above 30)', async () => {
    const bridge = await faults.system.startInstance('media-bridge', {
      MODEL_SESSION_MAX_MS: String(59 * MINUTE),
    });
    try {
      const ready = await fetch(`${bridge.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await bridge.process.stop('SIGTERM', 15_000);
    }
  });
});
