import { calls, type Database } from '@voice/shared/db';
import { and, desc, eq, gte, lt, lte, or, type SQL, sql } from 'drizzle-orm';

export interface ListCallsFilter {
  since?: Date;
  until?: Date;
  /** Matches the caller's or the dialled number. */
  number?: string;
  /** An end reason, or `in_progress` for calls not ended yet. */
  outcome?: string;
  agentId?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: { startedAt: Date; callSid: string };
}

const summaryColumns = {
  callSid: calls.callSid,
  from: calls.fromNumber,
  to: calls.toNumber,
  agentId: calls.agentId,
  status: calls.status,
  endReason: calls.endReason,
  startedAt: calls.startedAt,
  answeredAt: calls.answeredAt,
  endedAt: calls.endedAt,
  durationMs: calls.durationMs,
};

export type CallSummary = Awaited<ReturnType<typeof listCalls>>['calls'][number];

/** Newest first, keyset-paginated on (started_at, call_sid) so pages never skip or repeat. */
export async function listCalls(db: Database, filter: ListCallsFilter) {
  const where: SQL[] = [];
  if (filter.since) where.push(gte(calls.startedAt, filter.since));
  if (filter.until) where.push(lte(calls.startedAt, filter.until));
  if (filter.number) {
    const numberMatch = or(eq(calls.fromNumber, filter.number), eq(calls.toNumber, filter.number));
    if (numberMatch) where.push(numberMatch);
  }
  if (filter.outcome === 'in_progress') where.push(sql`${calls.status} <> 'ended'`);
  else if (filter.outcome) where.push(eq(calls.endReason, filter.outcome));
  if (filter.agentId) where.push(eq(calls.agentId, filter.agentId));
  if (filter.cursor) {
    const { startedAt, callSid } = filter.cursor;
    const before = or(
      lt(calls.startedAt, startedAt),
      and(eq(calls.startedAt, startedAt), lt(calls.callSid, callSid)),
    );
    if (before) where.push(before);
  }
  const rows = await db
    .select(summaryColumns)
    .from(calls)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(calls.startedAt), desc(calls.callSid))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    calls: page,
    next:
      rows.length > filter.limit && last ? { startedAt: last.startedAt, callSid: last.callSid } : undefined,
  };
}
