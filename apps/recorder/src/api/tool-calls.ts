import type { CallEventOf } from '@voice/shared/contracts';

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

type ToolEvent = { type: string; at: Date; payload: unknown };

/** Folds a call's `tool.invoked` / `tool.completed` events (in time order) into one view per call id. */
export function toolCallsOf(events: readonly ToolEvent[]): ToolCallView[] {
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
  return [...calls.values()];
}
