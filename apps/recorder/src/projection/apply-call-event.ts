import type { CallEndReason, CallEvent, CallEventOf } from '@voice/shared/contracts';
import {
  callEvents,
  callLatencies,
  calls,
  callUsage,
  type Database,
  transcriptTurns,
} from '@voice/shared/db';
import { sql } from 'drizzle-orm';
import { lockCall, type Tx } from './lock-call.js';

/** End reasons that say more than Twilio's plain `completed`; they are kept when `completed` arrives later. */
const SPECIFIC_END_REASONS: ReadonlySet<CallEndReason> = new Set([
  'caller_hangup',
  'agent_ended',
  'transferred',
  'unknown_number',
  'over_capacity',
  'bridge_failed',
  'session_failed',
]);

/**
 * Applies one call event exactly once: the raw event row (keyed by event id) and its
 * projection commit in one transaction, so a redelivered event changes nothing and a
 * crash between the two leaves neither. Returns false for an event seen before.
 */
export async function applyCallEvent(db: Database, event: CallEvent): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockCall(tx, event.callSid);
    const inserted = await tx
      .insert(callEvents)
      .values({
        eventId: event.eventId,
        callSid: event.callSid,
        type: event.type,
        at: new Date(event.at),
        payload: event,
      })
      .onConflictDoNothing()
      .returning({ eventId: callEvents.eventId });
    if (inserted.length === 0) return false;
    await project(tx, event);
    return true;
  });
}

async function project(tx: Tx, event: CallEvent): Promise<void> {
  switch (event.type) {
    case 'call.started':
      return callStarted(tx, event);
    case 'stream.started':
      await ensureCallRow(tx, event.callSid, event.at);
      await tx
        .update(calls)
        .set({
          answeredAt: sql`coalesce(${calls.answeredAt}, ${new Date(event.at)})`,
          status: sql`case when ${calls.status} = 'ended' then 'ended' else 'in_progress' end`,
          bridgeId: event.bridgeId,
          streamSid: event.streamSid,
          updatedAt: sql`now()`,
        })
        .where(sql`${calls.callSid} = ${event.callSid}`);
      return;
    case 'call.end_requested':
      await ensureCallRow(tx, event.callSid, event.at);
      return settleRequestedEnd(tx, event.callSid);
    case 'call.ended':
      await callEnded(tx, event);
      return settleRequestedEnd(tx, event.callSid);
    case 'transcript.turn':
      await tx
        .insert(transcriptTurns)
        .values({
          callSid: event.callSid,
          itemId: event.itemId,
          role: event.role,
          text: event.text,
          interrupted: event.interrupted,
          heardMs: event.heardMs === undefined ? null : Math.round(event.heardMs),
          startedAt: event.startedAt ? new Date(event.startedAt) : null,
          at: new Date(event.at),
        })
        .onConflictDoUpdate({
          target: [transcriptTurns.callSid, transcriptTurns.itemId],
          set: { text: event.text, interrupted: event.interrupted, heardMs: event.heardMs ?? null },
        });
      return;
    case 'usage':
      await tx
        .insert(callUsage)
        .values({
          eventId: event.eventId,
          callSid: event.callSid,
          responseId: event.responseId,
          inputTextTokens: event.inputTextTokens,
          inputAudioTokens: event.inputAudioTokens,
          inputCachedTokens: event.inputCachedTokens,
          outputTextTokens: event.outputTextTokens,
          outputAudioTokens: event.outputAudioTokens,
          totalTokens: event.totalTokens,
          at: new Date(event.at),
        })
        .onConflictDoNothing();
      return;
    case 'latency':
      await tx
        .insert(callLatencies)
        .values({
          eventId: event.eventId,
          callSid: event.callSid,
          kind: event.kind,
          valueMs: event.valueMs,
          itemId: event.itemId ?? null,
          at: new Date(event.at),
        })
        .onConflictDoNothing();
      return;
    // Kept as raw events only. The call's timeline shows them. Tool calls are read from the tool
    // workers' own ledger (`tool_invocations`, theirs alone to write: their idempotency depends on
    // it), and from these events for the calls no worker ran (see api/tool-calls.ts).
    case 'tool.invoked':
    case 'tool.completed':
    case 'stream.ended':
    case 'dtmf':
    case 'session.restored':
    case 'session.failed':
      return;
  }
}

async function callStarted(tx: Tx, event: CallEventOf<'call.started'>): Promise<void> {
  await tx
    .insert(calls)
    .values({
      callSid: event.callSid,
      accountSid: event.accountSid,
      fromNumber: event.from,
      toNumber: event.to,
      agentId: event.agentId,
      startedAt: new Date(event.at),
    })
    .onConflictDoUpdate({
      target: calls.callSid,
      // call.started is the authority on who called whom; it may arrive after a placeholder row.
      set: {
        accountSid: event.accountSid,
        fromNumber: event.from,
        toNumber: event.to,
        agentId: sql`coalesce(${calls.agentId}, ${event.agentId})`,
        startedAt: sql`least(${calls.startedAt}, ${new Date(event.at)})`,
        updatedAt: sql`now()`,
      },
    });
}

async function callEnded(tx: Tx, event: CallEventOf<'call.ended'>): Promise<void> {
  await ensureCallRow(tx, event.callSid, event.at);
  const endedAt = new Date(event.at);
  const specific = sql.join(
    [...SPECIFIC_END_REASONS].map((r) => sql`${r}`),
    sql`, `,
  );
  // A call handed to a human ends as `transferred` (whichever of the hand-off and the end is
  // recorded first); otherwise the first specific reason wins and a generic one (Twilio's
  // `completed`) only fills a gap.
  const handedOver = sql`exists (select 1 from ${callEvents} where ${callEvents.callSid} = ${event.callSid}
    and ${callEvents.type} = 'escalation.status' and ${callEvents.payload}->>'status' in ('dialing', 'connected'))`;
  // Before the first end, a reason on the row is only a request's (settled below, against this end).
  const previous = sql`case when ${calls.status} = 'ended' then ${calls.endReason} end`;
  const otherwise = SPECIFIC_END_REASONS.has(event.reason)
    ? sql`case when ${previous} in (${specific}) then ${previous} else ${event.reason} end`
    : sql`coalesce(${previous}, ${event.reason})`;
  const endReason = sql`case when ${handedOver} then 'transferred' else ${otherwise} end`;
  await tx
    .update(calls)
    .set({
      status: 'ended',
      endedAt: sql`coalesce(${calls.endedAt}, ${endedAt})`,
      endReason,
      durationMs:
        event.durationSeconds !== undefined
          ? event.durationSeconds * 1_000
          : sql`coalesce(${calls.durationMs}, (extract(epoch from (coalesce(${calls.endedAt}, ${endedAt}) - ${calls.startedAt})) * 1000)::int)`,
      updatedAt: sql`now()`,
    })
    .where(sql`${calls.callSid} = ${event.callSid}`);
}

/**
 * A reason the gateway asked the call to end with (an agent's hang-up, a bridge or session
 * failure) beats what Twilio's status callback says, which only knows the call is over: the
 * first such request wins, while the call goes on (the reason shown before the end arrives) and
 * once it has ended, if it was asked for before the end (a request after it changed nothing).
 * A call handed to a human stays `transferred`. Settled from the stored events whatever order
 * they arrive in: the request and the end may come through different gateways.
 */
async function settleRequestedEnd(tx: Tx, callSid: string): Promise<void> {
  const requested = sql`(select ${callEvents.payload}->>'reason' from ${callEvents}
    where ${callEvents.callSid} = ${calls.callSid} and ${callEvents.type} = 'call.end_requested'
      and (${calls.status} <> 'ended' or ${callEvents.at} <= ${calls.endedAt})
    order by ${callEvents.at}, ${callEvents.eventId} limit 1)`;
  await tx
    .update(calls)
    .set({ endReason: requested, updatedAt: sql`now()` })
    .where(
      sql`${calls.callSid} = ${callSid} and ${calls.endReason} is distinct from 'transferred'
        and ${requested} is not null and ${calls.endReason} is distinct from ${requested}`,
    );
}

/** Events of a call whose `call.started` has not been applied yet still land: a placeholder row waits for it. */
async function ensureCallRow(tx: Tx, callSid: string, at: string): Promise<void> {
  await tx
    .insert(calls)
    .values({ callSid, accountSid: '', fromNumber: '', toNumber: '', startedAt: new Date(at) })
    .onConflictDoNothing();
}
