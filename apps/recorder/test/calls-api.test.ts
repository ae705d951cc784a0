import { createDatabase, type DatabaseHandle, migrationsFolder } from '@voice/shared/db';
import { createLogger } from '@voice/shared/logging';
import { createHttpServer } from '@voice/shared/service';
import { useTestInfra } from '@voice/testkit/vitest';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCallsRoutes } from '../src/api/calls-routes.js';
import { applyCallEvent } from '../src/projection/apply-call-event.js';
import { newCallSid, wholeCallEvents } from './call-fixture.js';

const TOKEN = 'test-calls-api-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('Calls API', () => {
  const infra = useTestInfra({ migrationsFolder, nats: false });
  let database: DatabaseHandle;
  let app: FastifyInstance;
  const sids: string[] = [];

  beforeAll(async () => {
    database = createDatabase({ url: infra.databaseUrl, max: 4 });
    app = createHttpServer({ logger: createLogger({ service: 'recorder-test', level: 'silent' }) });
    registerCallsRoutes(app, { db: database.db, token: TOKEN });
    await app.ready();
    // Five whole calls a minute apart, plus one still in progress.
    for (let i = 0; i < 5; i++) {
      const sid = newCallSid();
      sids.push(sid);
      for (const event of wholeCallEvents(sid, new Date(Date.UTC(2026, 10, 20, 10, i)))) {
        await applyCallEvent(database.db, event);
      }
    }
    const live = newCallSid();
    sids.push(live);
    for (const event of wholeCallEvents(live, new Date(Date.UTC(2026, 10, 20, 11, 0))).slice(0, 3)) {
      await applyCallEvent(database.db, event);
    }
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('refuses a missing or wrong token', async () => {
    expect((await app.inject({ url: '/calls' })).statusCode).toBe(401);
    const wrong = await app.inject({ url: '/calls', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'unauthorized', message: 'a valid bearer token is required' });
    expect(
      (await app.inject({ url: `/calls/${sids[0]}`, headers: { authorization: TOKEN } })).statusCode,
    ).toBe(401);
  });

  it('lists calls newest first and pages through them without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await app.inject({ url: `/calls${query}`, headers: auth });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { calls: Array<{ callSid: string }>; nextCursor: string | null };
      expect(body.calls.length).toBeLessThanOrEqual(2);
      seen.push(...body.calls.map((c) => c.callSid));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...sids].reverse());
  });

  it('filters by time, number and outcome', async () => {
    const window = await app.inject({
      url: '/calls?since=2026-11-20T10:01:00Z&until=2026-11-20T10:03:00Z',
      headers: auth,
    });
    expect(window.json().calls.map((c: { callSid: string }) => c.callSid)).toEqual([
      sids[3],
      sids[2],
      sids[1],
    ]);

    const live = await app.inject({ url: '/calls?outcome=in_progress', headers: auth });
    expect(live.json().calls).toEqual([
      expect.objectContaining({
        callSid: sids[5],
        status: 'in_progress',
        endReason: null,
        from: '+15550100001',
      }),
    ]);
    const ended = await app.inject({
      url: '/calls?outcome=agent_ended&number=%2B15550100001',
      headers: auth,
    });
    expect(ended.json().calls).toHaveLength(5);
    const nobody = await app.inject({ url: '/calls?number=%2B15559999999', headers: auth });
    expect(nobody.json().calls).toEqual([]);
  });

  it('answers a clear 400 for bad filters, cursors and call SIDs, and 404 for unknown calls', async () => {
    const bad = await app.inject({ url: '/calls?limit=5000&outcome=lunch', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/limit.*outcome|outcome.*limit/s);
    expect((await app.inject({ url: '/calls?cursor=garbage', headers: auth })).statusCode).toBe(400);
    expect((await app.inject({ url: '/calls/not-a-sid', headers: auth })).statusCode).toBe(400);
    expect((await app.inject({ url: `/calls/${newCallSid()}`, headers: auth })).statusCode).toBe(404);
  });

  it('returns the whole record of one call', async () => {
    const res = await app.inject({ url: `/calls/${sids[0]}`, headers: auth });
    expect(res.statusCode).toBe(200);
    const record = res.json();
    expect(record.call).toMatchObject({
      callSid: sids[0],
      fromNumber: '+15550100001',
      toNumber: '+15550001000',
      agentId: 'maple-dental-reception',
      status: 'ended',
      endReason: 'agent_ended',
      durationMs: 12_000,
      startedAt: '2026-11-20T10:00:00.000Z',
      answeredAt: '2026-11-20T10:00:00.900Z',
    });
    expect(record.transcript.map((t: { role: string; text: string }) => `${t.role}: ${t.text}`)).toEqual([
      'agent: Thank you for calling Maple Street Dental.',
      'caller: When is my next appointment?',
      'agent: Your next appointment is on',
    ]);
    expect(record.transcript[2]).toMatchObject({ interrupted: true, heardMs: 1_200 });
    expect(record.tools).toEqual([
      expect.objectContaining({ toolCallId: 'call_1', name: 'lookup_record', status: 'ok', latencyMs: 60 }),
    ]);
    expect(record.latency.summary).toEqual({
      setup: { count: 1, p50Ms: 1_400, p90Ms: 1_400, maxMs: 1_400 },
      turn: { count: 1, p50Ms: 620, p90Ms: 620, maxMs: 620 },
    });
    expect(record.usage.totals).toEqual({
      responses: 1,
      inputTextTokens: 120,
      inputAudioTokens: 40,
      inputCachedTokens: 0,
      outputTextTokens: 15,
      outputAudioTokens: 60,
      totalTokens: 235,
    });
    expect(record.escalations).toEqual([]);
    expect(record.timeline.map((e: { type: string }) => e.type)).toEqual([
      'call.started',
      'stream.started',
      'dtmf',
      'call.ended',
      'call.ended',
    ]);
  });
});
