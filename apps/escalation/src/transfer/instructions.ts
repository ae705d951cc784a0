import type { CallInstruction } from '@voice/shared/contracts';
import type { HandoffContext } from '../routing/context.js';
import type { Escalation } from '../store/escalations.js';
import type { HumanAgent } from '../store/humans.js';
import { transferRef } from './ref.js';
import { whisperText } from './whisper.js';

type TransferInstruction = Extract<CallInstruction, { type: 'transfer' }>;
type EnqueueInstruction = Extract<CallInstruction, { type: 'enqueue' }>;

/** Rings `human` for attempt `attempt`: "connecting you to Alex" to the caller, the brief to the human. */
export function dialInstruction(
  ctx: HandoffContext,
  escalation: Pick<Escalation, 'id' | 'reason' | 'summary' | 'priority'>,
  human: Pick<HumanAgent, 'name' | 'phone'>,
  attempt: number,
): TransferInstruction {
  return {
    type: 'transfer',
    ref: transferRef(escalation.id, attempt),
    to: { phone: human.phone },
    say: ctx.messages.dialing(human.name),
    whisper: whisperText(escalation),
    timeoutSeconds: ctx.settings.dialTimeoutSeconds,
  };
}

/** Holds the caller in the escalation's queue; each hold poll comes back about this escalation. */
export function enqueueInstruction(
  escalation: Pick<Escalation, 'id' | 'queue' | 'attempts'>,
  say: string,
): EnqueueInstruction {
  return {
    type: 'enqueue',
    ref: transferRef(escalation.id, escalation.attempts),
    queue: escalation.queue,
    say,
  };
}
