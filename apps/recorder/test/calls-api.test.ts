import type { CallEvent } from '@voice/shared/contracts';
import { createDatabase, type DatabaseHandle, migrationsFolder, toolInvocations } from '@voice/shared/db';
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

  it('shows the tool calls a worker ran as its ledger has them, and the bridge’s own from its events', async () => {
    const sid = newCallSid();
    const start = new Date(Date.UTC(2026, 10, 21, 9, 0));
    const at = (ms: number) => new Date(start.getTime() + ms);
    const events = wholeCallEvents(sid, start).slice(0, 2);
    const tool = (ms: number, fields: Record<string, unknown>) =>
      ({
        eventId: `${sid}:${ms}`,
        callSid: sid,
        at: at(ms).toISOString(),
        source: 'media-bridge',
        ...fields,
      }) as CallEvent;
    events.push(
      tool(1_000, { type: 'tool.invoked', toolCallId: 'call_w', name: 'lookup_record', arguments: {} }),
      tool(1_080, {
        type: 'tool.completed',
        toolCallId: 'call_w',
        name: 'lookup_record',
        ok: true,
        latencyMs: 80,
      }),
      // No worker answered: the bridge told the agent so itself, and no ledger row exists.
      tool(2_000, { type: 'tool.invoked', toolCallId: 'call_x', name: 'lookup_record', arguments: {} }),
      tool(2_010, {
        type: 'tool.completed',
        toolCallId: 'call_x',
        name: 'lookup_record',
        ok: false,
        error: { code: 'unavailable', message: 'No worker.', retryable: true },
        latencyMs: 10,
      }),
      tool(3_000, { type: 'tool.invoked', toolCallId: 'call_e', name: 'end_call', arguments: {} }),
      tool(3_001, { type: 'tool.completed', toolCallId: 'call_e', name: 'end_call', ok: true, latencyMs: 1 }),
    );
    for (const event of events) await applyCallEvent(database.db, event);
    // As the tool workers' ledger records them: one ran with the bridge's events, one whose events are not in yet.
    await database.db.insert(toolInvocations).values([
      {
        callSid: sid,
        toolCallId: 'call_w',
        name: 'lookup_record',
        arguments: { phone: '+15550100001' },
        status: 'ok',
        result: { name: 'Jordan Lee' },
        latencyMs: 45,
        workerId: 'tool-runner-1',
        startedAt: at(1_010),
        completedAt: at(1_055),
      },
      {
        callSid: sid,
        toolCallId: 'call_z',
        name: 'find_open_slots',
        arguments: { limit: 3 },
        status: 'running',
        workerId: 'tool-runner-1',
        startedAt: at(4_000),
      },
    ]);

    const record = (await app.inject({ url: `/calls/${sid}`, headers: auth })).json();
    expect(record.tools).toEqual([
      {
        toolCallId: 'call_w',
        name: 'lookup_record',
        arguments: { phone: '+15550100001' },
        status: 'ok',
        result: { name: 'Jordan Lee' },
        errorCode: null,
        errorMessage: null,
        latencyMs: 45,
        startedAt: at(1_010).toISOString(),
        completedAt: at(1_055).toISOString(),
      },
      expect.objectContaining({
        toolCallId: 'call_x',
        status: 'error',
        errorCode: 'unavailable',
        latencyMs: 10,
      }),
      expect.objectContaining({ toolCallId: 'call_e', name: 'end_call', status: 'ok', latencyMs: 1 }),
      expect.objectContaining({
        toolCallId: 'call_z',
        name: 'find_open_slots',
        status: 'running',
        completedAt: null,
      }),
    ]);
  });
});
