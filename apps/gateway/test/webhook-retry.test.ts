import {
  type CallAnswer,
  type CallClaimRequest,
  callClaimReplySchema,
  callClaimRequestSchema,
  decodeJson,
  encodeJson,
  subjects,
} from '@voice/shared/contracts';
import { calls, migrationsFolder } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import {
  connectNats,
  jetstreamManager,
  KV_BUCKETS,
  type NatsConnection,
  openKvBucket,
} from '@voice/shared/nats';
import { useTestInfra } from '@voice/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeBridge } from './support/fake-bridge.js';
import { counterValue, type RealGateway, startRealGateway } from './support/real-gateway.js';

const logger = createLogger({ service: 'webhook-retry-it', level: 'silent' });

/** Every claim request on the bus (a plain subscription sees what the queue group shares out). */
function claimLog(nc: NatsConnection): { requests: CallClaimRequest[]; stop(): void } {
  const requests: CallClaimRequest[] = [];
  const sub = nc.subscribe(subjects.callClaim, {
    callback: (_error, msg) => {
      const request = decodeJson(callClaimRequestSchema, msg.data, 'claim');
      if (request.ok) requests.push(request.value);
    },
  });
  return { requests, stop: () => sub.unsubscribe() };
}

describe('a retried webhook on two gateways sharing NATS and Postgres', () => {
  const infra = useTestInfra({ migrationsFolder });
  let a: RealGateway;
  let b: RealGateway;
  let testNc: NatsConnection;
  let bridge: FakeBridge | undefined;
  let claims: ReturnType<typeof claimLog>;

  beforeAll(async () => {
    // Long enough for a claim held on purpose below; the lease follows (3 × 5 s + margin).
    a = await startRealGateway(infra, { CLAIM_TIMEOUT_MS: '5000' }, { gatewayId: 'gateway-a' });
    b = await startRealGateway(infra, { CLAIM_TIMEOUT_MS: '5000' }, { gatewayId: 'gateway-b' });
    testNc = await connectNats({ url: infra.natsUrl, name: 'webhook-retry-test', logger });
  });
  afterEach(() => {
    bridge?.stop();
    bridge = undefined;
    claims?.stop();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await testNc?.drain();
  });

  // The row is the recorder's, from both gateways' events: read once it has applied them.
  const rows = async (callSid: string) => {
    await Promise.all([a.recorded(), b.recorded()]);
    return a.database.db.select().from(calls).where(eq(calls.callSid, callSid));
  };

  it('answers a retry that reaches the other gateway with the same claim and the same TwiML', async () => {
    bridge = await new FakeBridge(testNc).start();
    claims = claimLog(testNc);
    const call = await a.call({ webhookRetry: { after: 'lost', to: b.url } });
    const claim = await bridge.claimOf(call.callSid);
    await claim.waitForControl('start');

    const [first, retry] = call.webhookAttempts;
    expect(retry?.result?.body).toBe(first?.result?.body);
    expect(claims.requests.map((request) => request.gatewayId)).toEqual(['gateway-a']);
    expect(await rows(call.callSid)).toHaveLength(1);
    expect(await counterValue(b.metrics.webhookDedup, { how: 'followed' })).toBe(1);
    expect(await counterValue(b.metrics.webhooks, { route: 'inbound', outcome: 'retry_connected' })).toBe(1);
    await call.hangup();
  });

  it('makes a retry that arrives while the first attempt is still claiming wait for it', async () => {
    claims = claimLog(testNc);
    const followedBefore = await counterValue(b.metrics.webhookDedup, { how: 'followed' });
    const held = holdClaims(testNc);
    const placing = a.call({ webhookRetry: { after: 'timeout', readTimeoutMs: 100, to: b.url } });
    await expect.poll(() => held.pending.length, { timeout: 10_000 }).toBe(1);
    // Gateway B is waiting once it watches the call's entry (a watch is a consumer of the bucket).
    await expect.poll(() => watchers(testNc), { timeout: 10_000 }).toBeGreaterThan(0);
    held.acceptAll();

    const call = await placing;
    expect(call.webhookAttempts.map((attempt) => attempt.failed)).toEqual(['timeout', undefined]);
    expect(call.webhook.body).toContain('<Connect>');
    expect(call.stream).toBeDefined();
    expect(claims.requests).toHaveLength(1);
    expect(await counterValue(b.metrics.webhookDedup, { how: 'followed' })).toBe(followedBefore + 1);
    held.stop();
    await call.hangup();
  });

  it('lets a retry take over from a gateway that died while answering, once its lease ran out', async () => {
    bridge = await new FakeBridge(testNc).start();
    claims = claimLog(testNc);
    const callSid = `CA${'d'.repeat(32)}`;
    const kv = await openKvBucket(testNc, KV_BUCKETS.callAnswers);
    const deadOwner: CallAnswer = {
      state: 'answering',
      gatewayId: 'gateway-dead',
      leaseUntil: Date.now() - 1,
    };
    await kv.create(callSid, JSON.stringify(deadOwner));

    const call = await b.call({ callSid });
    await bridge.claimOf(callSid);
    expect(call.webhook.body).toContain('<Connect>');
    expect(claims.requests.map((request) => request.gatewayId)).toEqual(['gateway-b']);
    expect(await counterValue(b.metrics.webhookDedup, { how: 'took_over' })).toBe(1);
    expect((await kv.get(callSid))?.json()).toMatchObject({ state: 'connected', gatewayId: 'gateway-b' });
    await call.hangup();
  });
});

/** Consumers on the answers bucket's stream: each is a gateway watching a call's entry. */
async function watchers(nc: NatsConnection): Promise<number> {
  const info = await (await jetstreamManager(nc)).streams.info(`KV_${KV_BUCKETS.callAnswers.bucket}`);
  return info.state.consumer_count;
}

/** A bridge that keeps claim requests unanswered until told, to hold an owner mid-claim. */
function holdClaims(nc: NatsConnection) {
  const pending: Array<{ request: CallClaimRequest; respond: (data: Uint8Array) => boolean }> = [];
  const sub = nc.subscribe(subjects.callClaim, {
    queue: 'media-bridge',
    callback: (_error, msg) => {
      const request = decodeJson(callClaimRequestSchema, msg.data, 'claim');
      if (request.ok) pending.push({ request: request.value, respond: (data) => msg.respond(data) });
    },
  });
  return {
    pending,
    acceptAll() {
      for (const { request, respond } of pending.splice(0)) {
        respond(
          encodeJson(callClaimReplySchema, {
            accepted: true,
            bridgeId: 'held-bridge',
            claimId: request.claimId,
          }),
        );
      }
    },
    stop: () => sub.unsubscribe(),
  };
}
