import type { CallEventOf } from '@voice/shared/contracts';
import type { toolInvocations } from '@voice/shared/db';

/** One tool call as the agent made it and saw it answered. */
export interface ToolCallView {
  toolCallId: string;
  name: string;
  arguments: unknown;
  status: 'running' | 'ok' | 'error';
  result: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  latencyMs: number | null;
  startedAt: Date;
  completedAt: Date | null;
}

/** A row of the tool workers' ledger, as the view reads it. */
export type LedgerRow = Pick<
  typeof toolInvocations.$inferSelect,
  | 'toolCallId'
  | 'name'
  | 'arguments'
  | 'status'
  | 'result'
  | 'errorCode'
  | 'errorMessage'
  | 'latencyMs'
  | 'startedAt'
  | 'completedAt'
>;

type ToolEvent = { type: string; at: Date; payload: unknown };

/**
 * A call's tool calls, in the order the agent made them. A call a tool worker ran is shown as
 * the workers' ledger (`tool_invocations`) has it: its one record of what the tool did. The
 * calls no worker ran are shown from the bridge's `tool.invoked` / `tool.completed` events: the
 * bridge's own tools (`end_call`, `escalate_to_human`) and the calls it answered itself
 * (arguments that are not JSON, a tool the call does not offer, no worker reachable, the
 * ledger down).
 */
export function toolCallsOf(ledger: readonly LedgerRow[], events: readonly ToolEvent[]): ToolCallView[] {
  const asked = foldToolEvents(events);
  const ran = new Map(ledger.map((row) => [row.toolCallId, row]));
  const views = [...asked.values()].map((view) => {
    const row = ran.get(view.toolCallId);
    return { askedAt: view.startedAt, view: row ? ledgerView(row) : view };
  });
  for (const row of ledger) {
    // The bridge's events of this call are not recorded yet: the ledger alone places it.
    if (!asked.has(row.toolCallId)) views.push({ askedAt: row.startedAt, view: ledgerView(row) });
  }
  return views.sort((a, b) => a.askedAt.getTime() - b.askedAt.getTime()).map(({ view }) => view);
}

function ledgerView(row: LedgerRow): ToolCallView {
  return {
    toolCallId: row.toolCallId,
    name: row.name,
    arguments: row.arguments ?? null,
    status: row.status,
    result: row.result ?? null,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    latencyMs: row.latencyMs,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
  };
}

/** Folds a call's `tool.invoked` / `tool.completed` events (in time order) into one view per call id. */
function foldToolEvents(events: readonly ToolEvent[]): Map<string, ToolCallView> {
  const calls = new Map<string, ToolCallView>();
  for (const event of events) {
    if (event.type === 'tool.invoked') {
      const invoked = event.payload as CallEventOf<'tool.invoked'>;
      if (calls.has(invoked.toolCallId)) continue;
      calls.set(invoked.toolCallId, {
        toolCallId: invoked.toolCallId,
        name: invoked.name,
        arguments: invoked.arguments ?? null,
        status: 'running',
        result: null,
        errorCode: null,
        errorMessage: null,
        latencyMs: null,
        startedAt: event.at,
        completedAt: null,
      });
    } else if (event.type === 'tool.completed') {
      const done = event.payload as CallEventOf<'tool.completed'>;
      const view = calls.get(done.toolCallId);
      const completed: Partial<ToolCallView> = {
        status: done.ok ? 'ok' : 'error',
        result: done.ok ? (done.result ?? null) : null,
        errorCode: done.error?.code ?? null,
        errorMessage: done.error?.message ?? null,
        latencyMs: Math.round(done.latencyMs),
        completedAt: event.at,
      };
      if (view) Object.assign(view, completed);
      else {
        calls.set(done.toolCallId, {
          toolCallId: done.toolCallId,
          name: done.name,
          arguments: null,
          startedAt: event.at,
          ...(completed as Omit<ToolCallView, 'toolCallId' | 'name' | 'arguments' | 'startedAt'>),
        });
      }
    }
  }
  return calls;
}
