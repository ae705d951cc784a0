import type { CallEndReason } from '@voice/shared/contracts';
import { agentProfiles, calls, type Database } from '@voice/shared/db';
import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { CallSnapshot, CallStore, NewCall } from './call-store.js';

const snapshotColumns = {
  status: calls.status,
  endReason: calls.endReason,
  streamStartedAt: calls.streamStartedAt,
};

/** `CallStore` on Postgres through drizzle. */
export function createDrizzleCallStore(db: Database): CallStore {
  return {
    async findAgentForNumber(phoneNumber) {
      const [row] = await db
        .select({ id: agentProfiles.id })
        .from(agentProfiles)
        .where(eq(agentProfiles.phoneNumber, phoneNumber))
        .limit(1);
      return row?.id;
    },

    async recordCall(call: NewCall) {
      const inserted = await db
        .insert(calls)
        .values({
          callSid: call.callSid,
          accountSid: call.accountSid,
          fromNumber: call.from,
          toNumber: call.to,
          agentId: call.agentId,
          startedAt: call.startedAt,
        })
        .onConflictDoNothing({ target: calls.callSid })
        .returning(snapshotColumns);
      const created = inserted[0];
      if (created) return { created: true, call: created as CallSnapshot };
      const [existing] = await db.select(snapshotColumns).from(calls).where(eq(calls.callSid, call.callSid));
      if (!existing) throw new Error('calls row vanished between insert and select');
      return { created: false, call: existing as CallSnapshot };
    },

    async markStreamStarted({ callSid, streamSid, bridgeId, at }) {
      const updated = await db
        .update(calls)
        .set({
          streamStartedAt: at,
          streamSid,
          bridgeId,
          status: 'in_progress',
          answeredAt: at,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(calls.callSid, callSid),
            isNull(calls.streamStartedAt),
            ne(calls.status, 'ended'),
            isNotNull(calls.agentId),
          ),
        )
        .returning({
          accountSid: calls.accountSid,
          from: calls.fromNumber,
          to: calls.toNumber,
          agentId: calls.agentId,
        });
      const row = updated[0];
      return row?.agentId ? { ...row, agentId: row.agentId } : undefined;
    },

    async hasStreamStarted(callSid) {
      const [row] = await db
        .select({ streamStartedAt: calls.streamStartedAt })
        .from(calls)
        .where(eq(calls.callSid, callSid));
      return row?.streamStartedAt != null;
    },

    async noteEndReason(callSid: string, reason: CallEndReason) {
      await db
        .update(calls)
        .set({ endReason: reason, updatedAt: sql`now()` })
        .where(and(eq(calls.callSid, callSid), isNull(calls.endReason), ne(calls.status, 'ended')));
    },

    async markEnded({ callSid, reason, at, durationMs }) {
      const [row] = await db
        .update(calls)
        .set({
          status: 'ended',
          endReason: sql`coalesce(${calls.endReason}, ${reason})`,
          endedAt: sql`coalesce(${calls.endedAt}, ${at.toISOString()}::timestamptz)`,
          durationMs: sql`coalesce(${calls.durationMs}, ${durationMs ?? null}::integer)`,
          updatedAt: sql`now()`,
        })
        .where(eq(calls.callSid, callSid))
        .returning({ endReason: calls.endReason });
      return row?.endReason ?? undefined;
    },
  };
}
