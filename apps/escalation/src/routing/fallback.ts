import type { CallInstruction } from '@voice/shared/contracts';
import { TransferUnavailableError } from '../failures.js';
import {
  type Escalation,
  type EscalationChanges,
  lockEscalation,
  updateEscalation,
} from '../store/escalations.js';
import { enqueueInstruction } from '../transfer/instructions.js';
import type { HandoffContext } from './context.js';
import { failEscalation } from './fail.js';

/** The agent profile's choice when nobody is free. */
export type Fallback = 'queue' | 'callback';

/** What falling back means for one escalation: its new state and what the call runs. */
export interface FallbackPlan {
  status: 'queued' | 'callback_scheduled';
  /** What the caller is told. */
  message: string;
  changes: EscalationChanges;
  /**
   * What the call runs next when the ingress asks (a dial's outcome): the queue, or the
   * call-back promise and a goodbye (the AI agent is no longer on the line by then).
   */
  instruction: Extract<CallInstruction, { type: 'enqueue' | 'say_and_hang_up' }>;
}

const MS_PER_MINUTE = 60_000;

export function planFallback(
  ctx: HandoffContext,
  escalation: Pick<Escalation, 'id' | 'queue' | 'attempts'>,
  fallback: Fallback,
): FallbackPlan {
  if (fallback === 'callback') {
    const message = ctx.messages.callback(escalation.queue);
    const callbackAt = new Date(ctx.now().getTime() + ctx.settings.callbackEtaMinutes * MS_PER_MINUTE);
    return {
      status: 'callback_scheduled',
      message,
      changes: { status: 'callback_scheduled', message, callbackAt, humanAgentId: null },
      instruction: { type: 'say_and_hang_up', text: message },
    };
  }
  const message = ctx.messages.queued(escalation.queue);
  return {
    status: 'queued',
    message,
    changes: { status: 'queued', message, humanAgentId: null },
    instruction: enqueueInstruction(escalation, message),
  };
}

/**
 * The fallback while the AI agent still holds the call (at intake). Call-back: only recorded
 * and published, the agent tells the caller and stays on the line. Queue: the call is moved to
 * `<Enqueue>` first and recorded after, like every transfer.
 */
export async function fallBackAtIntake(
  ctx: HandoffContext,
  escalation: Escalation,
  fallback: Fallback,
): Promise<FallbackPlan['status'] | 'failed'> {
  const plan = planFallback(ctx, escalation, fallback);
  if (plan.status === 'queued') {
    const reply = await ctx.callControl.send(escalation.callSid, plan.instruction);
    if (!reply.ok && reply.error.retryable) {
      throw new TransferUnavailableError(
        `the call ${escalation.callSid} was not queued: ${reply.error.message}`,
      );
    }
    if (!reply.ok) {
      await failEscalation(ctx, escalation.id, reply.error.message);
      return 'failed';
    }
  }
  const updated = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, escalation.id);
    if (row?.status !== 'routing' || row.humanAgentId !== null) return undefined;
    return updateEscalation(tx, escalation.id, plan.changes);
  });
  if (updated)
    await ctx.publisher.publish({ escalation: updated, status: plan.status, message: plan.message });
  return plan.status;
}
