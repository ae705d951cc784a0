import {
  callEvents,
  callLatencies,
  calls,
  callUsage,
  type Database,
  escalations,
  toolInvocations,
  transcriptTurns,
} from '@voice/shared/db';
import { and, asc, desc, eq, gte, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { toolCallsOf } from './tool-calls.js';

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

/**
 * Everything recorded about one call, or undefined when the call is unknown. Read from one
 * snapshot: the projection commits an event and its effect on the call row together, and a
 * record read in separate statements could show an event (say `call.ended`) beside a call row
 * from before it.
 */
export async function getCallRecord(db: Database, callSid: string) {
  return db.transaction((tx) => readCallRecord(tx, callSid), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
}

type Reader = Pick<Database, 'select'>;

async function readCallRecord(db: Reader, callSid: string) {
  const [call] = await db.select().from(calls).where(eq(calls.callSid, callSid));
  if (!call) return undefined;
  // One connection, one statement at a time: node-postgres deprecates overlapping queries on a client.
  const transcript = await db
    .select({
      itemId: transcriptTurns.itemId,
      role: transcriptTurns.role,
      text: transcriptTurns.text,
      interrupted: transcriptTurns.interrupted,
      heardMs: transcriptTurns.heardMs,
      startedAt: transcriptTurns.startedAt,
      at: transcriptTurns.at,
    })
    .from(transcriptTurns)
    .where(eq(transcriptTurns.callSid, callSid))
    .orderBy(
      asc(sql`coalesce(${transcriptTurns.startedAt}, ${transcriptTurns.at})`),
      asc(transcriptTurns.id),
    );
  const ledger = await db
    .select({
      toolCallId: toolInvocations.toolCallId,
      name: toolInvocations.name,
      arguments: toolInvocations.arguments,
      status: toolInvocations.status,
      result: toolInvocations.result,
      errorCode: toolInvocations.errorCode,
      errorMessage: toolInvocations.errorMessage,
      latencyMs: toolInvocations.latencyMs,
      startedAt: toolInvocations.startedAt,
      completedAt: toolInvocations.completedAt,
    })
    .from(toolInvocations)
    .where(eq(toolInvocations.callSid, callSid))
    .orderBy(asc(toolInvocations.startedAt), asc(toolInvocations.id));
  const toolEvents = await db
    .select({ type: callEvents.type, at: callEvents.at, payload: callEvents.payload })
    .from(callEvents)
    .where(
      and(eq(callEvents.callSid, callSid), sql`${callEvents.type} in ('tool.invoked', 'tool.completed')`),
    )
    .orderBy(asc(callEvents.at));
  const escalationRows = await db
    .select({
      id: escalations.id,
      reason: escalations.reason,
      summary: escalations.summary,
      priority: escalations.priority,
      queue: escalations.queue,
      status: escalations.status,
      humanAgentId: escalations.humanAgentId,
      attempts: escalations.attempts,
      message: escalations.message,
      requestedAt: escalations.requestedAt,
      resolvedAt: escalations.resolvedAt,
    })
    .from(escalations)
    .where(eq(escalations.callSid, callSid))
    .orderBy(asc(escalations.requestedAt));
  const latencies = await db
    .select({
      kind: callLatencies.kind,
      valueMs: callLatencies.valueMs,
      itemId: callLatencies.itemId,
      at: callLatencies.at,
    })
    .from(callLatencies)
    .where(eq(callLatencies.callSid, callSid))
    .orderBy(asc(callLatencies.at), asc(callLatencies.id));
  const usage = await db
    .select({
      responseId: callUsage.responseId,
      inputTextTokens: callUsage.inputTextTokens,
      inputAudioTokens: callUsage.inputAudioTokens,
      inputCachedTokens: callUsage.inputCachedTokens,
      outputTextTokens: callUsage.outputTextTokens,
      outputAudioTokens: callUsage.outputAudioTokens,
      totalTokens: callUsage.totalTokens,
      at: callUsage.at,
    })
    .from(callUsage)
    .where(eq(callUsage.callSid, callSid))
    .orderBy(asc(callUsage.at), asc(callUsage.id));
  const timeline = await db
    .select({ type: callEvents.type, at: callEvents.at, payload: callEvents.payload })
    .from(callEvents)
    .where(
      and(
        eq(callEvents.callSid, callSid),
        sql`${callEvents.type} in ('call.started','stream.started','stream.ended','dtmf','session.restored','session.failed','escalation.status','call.end_requested','call.ended')`,
      ),
    )
    .orderBy(asc(callEvents.at));
  return {
    call,
    transcript,
    tools: toolCallsOf(ledger, toolEvents),
    escalations: escalationRows,
    latencies,
    usage,
    timeline,
  };
}
