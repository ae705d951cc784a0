import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects } from '@voice/shared/contracts';
import { migrationsFolder } from '@voice/shared/db';
import { jetstreamManager, STREAMS } from '@voice/shared/nats';
import { postSignedForm, randomSid } from '@voice/testkit/twilio';
import { useTestInfra } from '@voice/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { DEMO_PHONE_NUMBERS } from './support/log-capture.js';
import { journalDirs, journalMessages } from './support/outbox-journal.js';
import { storedCallEvents, waitForRecord } from './support/records.js';

/** A number no agent answers: the gateway decides `call.started` and `call.ended` before it replies. */
const UNKNOWN_NUMBER = '+15550009999';

const POLL_MS = 250;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A NATS server given through TEST_NATS_URL is shared: its CALLS stream is not this test's to move.
describe.skipIf(Boolean(process.env.TEST_NATS_URL))('the outbox across a crash (issue 13)', () => {
  const infra = useTestInfra({ migrationsFolder });
  const outboxRoot = mkdtempSync(join(tmpdir(), 'fault-outbox-'));
  let faults: FaultSystem;

  beforeAll(async () => {
    faults = await startFaultSystem(infra, {
      apps: ['recorder', 'gateway'],
      env: { OUTBOX_DIR: outboxRoot },
    });
  });
  afterAll(async () => {
    await faults?.stop();
    rmSync(outboxRoot, { recursive: true, force: true });
  });

  it('an event decided while JetStream could not store it, then SIGKILL: the restarted gateway sends it, once', async () => {
    // CALLS listening elsewhere: JetStream refuses every call event, the gateway decides them and
    // cannot send them. The recorder's consumer stays; the restarted gateway puts the subjects back.
    const jsm = await jetstreamManager(faults.nc);
    await jsm.streams.update(STREAMS.calls.name, { subjects: ['calls.unavailable.>'] });

    const callSid = randomSid('CA');
    const publicUrl = `${faults.system.gatewayUrl}/voice/inbound`;
    const webhook = await postSignedForm({
      authToken: faults.system.secrets.twilioAuthToken,
      publicUrl,
      reachUrl: publicUrl,
      params: {
        CallSid: callSid,
        AccountSid: faults.system.secrets.twilioAccountSid,
        From: DEMO_PHONE_NUMBERS[0],
        To: UNKNOWN_NUMBER,
        CallStatus: 'ringing',
        Direction: 'inbound',
      },
    });
    expect(webhook.status).toBe(200);

    // Decided means on disk: the journal holds the call's events before anything reached JetStream.
    const subject = subjects.callEvents(callSid);
    const decided = journalMessages(outboxRoot, 'gateway').filter((m) => m.subject === subject);
    expect(decided.length).toBeGreaterThanOrEqual(1);

    const crashed = faults.system.app('gateway');
    await crashed.process.kill();
    expect(journalDirs(outboxRoot, 'gateway')).toHaveLength(1);

    // The next life of the service (same OUTBOX_DIR) recreates the stream at start and relays the journal.
    const restarted = await faults.system.startInstance('gateway');
    const arrived = await waitFor('the crashed gateway’s events in CALLS', async () => {
      const stored = await storedCallEvents(faults.nc, callSid);
      return stored.stored >= decided.length ? stored : undefined;
    });
    expect(arrived.events.map((event) => event.eventId)).toEqual(decided.map((m) => m.msgId));
    expect(arrived.events[0]?.type).toBe('call.started');
    const adoption = faults.logs
      .json(restarted.instance)
      .filter((line) => String(line.msg).includes('relaying messages a dead process'));
    expect(adoption).toEqual([expect.objectContaining({ messages: decided.length })]);

    // Stopped cleanly, it leaves no journal behind, and nothing was stored twice.
    await restarted.process.stop('SIGTERM', 20_000);
    expect(journalDirs(outboxRoot, 'gateway')).toEqual([]);
    const final = await storedCallEvents(faults.nc, callSid);
    expect(final.stored).toBe(decided.length);
    expect(final.duplicates).toEqual([]);
    // And the recorder, whose consumer never moved, projects them like any others.
    const record = await waitForRecord(faults.system.recorderUrl, callSid, (r) =>
      arrived.events.every((event) => r.timeline.some((entry) => entry.type === event.type)),
    );
    expect(record.timeline.filter((entry) => entry.type === 'call.started')).toHaveLength(1);
  });
});
