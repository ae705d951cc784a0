import { callEndReasonSchema, callSidSchema } from '@voice/shared/contracts';
import type { Database } from '@voice/shared/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bearerAuth } from './bearer-auth.js';
import { listCalls } from './call-queries.js';
import { getCallRecord } from './call-record.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { summariseLatencies, summariseUsage } from './summaries.js';

const listQuerySchema = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  number: z.string().min(3).max(32).optional(),
  outcome: z.union([callEndReasonSchema, z.literal('in_progress')]).optional(),
  agentId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

function badRequest(issues: z.core.$ZodIssue[]) {
  return {
    error: 'bad_request',
    message: issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
  };
}

/**
 * The Calls API (see docs/calls-api.md): `GET /calls` lists calls newest first with filters
 * and a cursor; `GET /calls/:callSid` returns the whole record. Bearer-token protected.
 */
export function registerCallsRoutes(app: FastifyInstance, deps: { db: Database; token: string }): void {
  const auth = bearerAuth(deps.token);

  app.get('/calls', { onRequest: auth }, async (request, reply) => {
    const query = listQuerySchema.safeParse(request.query);
    if (!query.success) return reply.code(400).send(badRequest(query.error.issues));
    const cursor = query.data.cursor ? decodeCursor(query.data.cursor) : undefined;
    if (query.data.cursor && !cursor) {
      return reply.code(400).send({ error: 'bad_request', message: 'cursor: not a cursor from this API' });
    }
    const page = await listCalls(deps.db, {
      ...(query.data.since ? { since: new Date(query.data.since) } : {}),
      ...(query.data.until ? { until: new Date(query.data.until) } : {}),
      ...(query.data.number ? { number: query.data.number } : {}),
      ...(query.data.outcome ? { outcome: query.data.outcome } : {}),
      ...(query.data.agentId ? { agentId: query.data.agentId } : {}),
      ...(cursor ? { cursor } : {}),
      limit: query.data.limit,
    });
    return { calls: page.calls, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/calls/:callSid', { onRequest: auth }, async (request, reply) => {
    const sid = callSidSchema.safeParse((request.params as { callSid?: unknown }).callSid);
    if (!sid.success) {
      return reply
        .code(400)
        .send({ error: 'bad_request', message: 'callSid: a Twilio call SID (CA + 32 hex)' });
    }
    const record = await getCallRecord(deps.db, sid.data);
    if (!record) return reply.code(404).send({ error: 'not_found', message: 'no such call' });
    const { latencies, usage, ...rest } = record;
    return {
      ...rest,
      latency: { summary: summariseLatencies(latencies), samples: latencies },
      usage: { totals: summariseUsage(usage), responses: usage },
    };
  });
}
