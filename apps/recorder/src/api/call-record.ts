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
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { toolCallsOf } from './tool-calls.js';

/** Raw events the timeline shows (tool calls have their own section). */
const TIMELINE_EVENTS = [
  'call.started',
  'stream.started',
  'stream.ended',
  'dtmf',
  'session.restored',
  'session.failed',
  'escalation.status',
  'call.end_requested',
  'call.ended',
];
/** The bridge's tool events: the tool calls of calls no worker ran (see tool-calls.ts). */
const TOOL_EVENTS = ['tool.invoked', 'tool.completed'];

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

// One connection, one statement at a time: node-postgres deprecates overlapping queries on a client.
async function readCallRecord(db: Reader, callSid: string) {
  const [call] = await db.select().from(calls).where(eq(calls.callSid, callSid));
  if (!call) return undefined;
  const transcript = await transcriptOf(db, callSid);
  const ledger = await toolLedgerOf(db, callSid);
  const toolEvents = await eventsOf(db, callSid, TOOL_EVENTS);
  return {
    call,
    transcript,
    tools: toolCallsOf(ledger, toolEvents),
    escalations: await escalationsOf(db, callSid),
    latencies: await latenciesOf(db, callSid),
    usage: await usageOf(db, callSid),
    timeline: await eventsOf(db, callSid, TIMELINE_EVENTS),
  };
}

function eventsOf(db: Reader, callSid: string, types: string[]) {
  return db
    .select({ type: callEvents.type, at: callEvents.at, payload: callEvents.payload })
    .from(callEvents)
    .where(and(eq(callEvents.callSid, callSid), inArray(callEvents.type, types)))
    .orderBy(asc(callEvents.at));
}

function transcriptOf(db: Reader, callSid: string) {
  return db
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
}

function toolLedgerOf(db: Reader, callSid: string) {
  return db
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
}

function escalationsOf(db: Reader, callSid: string) {
  return db
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
}

function latenciesOf(db: Reader, callSid: string) {
  return db
    .select({
      kind: callLatencies.kind,
      valueMs: callLatencies.valueMs,
      itemId: callLatencies.itemId,
      at: callLatencies.at,
    })
    .from(callLatencies)
    .where(eq(callLatencies.callSid, callSid))
    .orderBy(asc(callLatencies.at), asc(callLatencies.id));
}

function usageOf(db: Reader, callSid: string) {
  return db
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
}
