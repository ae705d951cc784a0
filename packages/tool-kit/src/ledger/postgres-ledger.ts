import type { ToolRequest, ToolResponse } from '@voice/shared/contracts';
import { type Database, toolInvocations } from '@voice/shared/db';
import { and, eq, sql } from 'drizzle-orm';
import { toolError } from '../tool-error.js';
import type { Claim, InvocationKey, InvocationLedger } from './ledger.js';

type InvocationRow = Pick<
  typeof toolInvocations.$inferSelect,
  'name' | 'status' | 'result' | 'errorCode' | 'errorMessage'
>;

const byKey = (key: InvocationKey) =>
  and(eq(toolInvocations.callSid, key.callSid), eq(toolInvocations.toolCallId, key.toolCallId));

const storedColumns = {
  name: toolInvocations.name,
  status: toolInvocations.status,
  result: toolInvocations.result,
  errorCode: toolInvocations.errorCode,
  errorMessage: toolInvocations.errorMessage,
};

/** A stored row as the claim it means for a new request with the same key. */
function claimOf(row: InvocationRow | undefined, name: string): Claim {
  if (!row) return { kind: 'claimed' };
  if (row.name !== name) return { kind: 'mismatch', storedName: row.name };
  if (row.status === 'ok')
    return { kind: 'completed', response: { ok: true, result: row.result, replayed: true } };
  if (row.status === 'error') {
    const code = toolErrorCode(row.errorCode);
    return { kind: 'completed', response: { ok: false, error: toolError(code, row.errorMessage ?? '') } };
  }
  return { kind: 'running' };
}

function toolErrorCode(stored: string | null) {
  switch (stored) {
    case 'bad_arguments':
    case 'not_found':
    case 'conflict':
    case 'timeout':
    case 'unavailable':
      return stored;
    default:
      return 'internal';
  }
}

/**
 * The ledger in `tool_invocations`, unique on (call_sid, tool_call_id): the insert that wins
 * owns the invocation; every later request with the same key reads its outcome.
 */
export function createPostgresLedger(db: Database): InvocationLedger {
  async function read(key: InvocationKey, name: string): Promise<Claim> {
    const [row] = await db.select(storedColumns).from(toolInvocations).where(byKey(key));
    return claimOf(row, name);
  }

  return {
    read,

    async claim(request: ToolRequest, workerId: string, staleAfterMs: number): Promise<Claim> {
      const key = { callSid: request.context.callSid, toolCallId: request.toolCallId };
      const inserted = await db
        .insert(toolInvocations)
        .values({
          callSid: key.callSid,
          toolCallId: key.toolCallId,
          name: request.name,
          arguments: request.arguments ?? null,
          status: 'running',
          workerId,
        })
        .onConflictDoNothing({ target: [toolInvocations.callSid, toolInvocations.toolCallId] })
        .returning({ id: toolInvocations.id });
      if (inserted.length > 0) return { kind: 'claimed' };

      const existing = await read(key, request.name);
      if (existing.kind !== 'running') return existing;
      const takenOver = await db
        .update(toolInvocations)
        .set({ workerId, startedAt: sql`now()` })
        .where(
          and(
            byKey(key),
            eq(toolInvocations.status, 'running'),
            sql`${toolInvocations.startedAt} < now() - make_interval(secs => ${staleAfterMs / 1_000})`,
          ),
        )
        .returning({ id: toolInvocations.id });
      return takenOver.length > 0 ? { kind: 'claimed' } : { kind: 'running' };
    },

    async complete(key, response: ToolResponse, latencyMs: number, workerId: string) {
      await db
        .update(toolInvocations)
        .set({
          status: response.ok ? 'ok' : 'error',
          result: response.ok ? (response.result ?? null) : null,
          errorCode: response.ok ? null : response.error.code,
          errorMessage: response.ok ? null : response.error.message,
          latencyMs: Math.round(latencyMs),
          workerId,
          completedAt: sql`now()`,
        })
        .where(and(byKey(key), eq(toolInvocations.status, 'running')));
    },
  };
}
