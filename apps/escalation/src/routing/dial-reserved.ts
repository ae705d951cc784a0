import { TransferUnavailableError } from '../failures.js';
import { type Escalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { findHuman } from '../store/humans.js';
import { dialInstruction } from '../transfer/instructions.js';
import type { HandoffContext } from './context.js';
import { failEscalation } from './fail.js';

/** How moving the call to a reserved human ended. */
export type DialOutcome = 'dialing' | 'failed';

/**
 * Moves the live call to the human reserved for it (status `routing` with a human) with a
 * call-control `transfer`, then records `dialing`. The record follows the ingress' acceptance, so
 * a retry after a refused transfer asks again, and one after a recorded `dialing` never does.
 * A permanent refusal (the call ended) fails the escalation; a retryable one is thrown as
 * `TransferUnavailableError` (the reservation stays, so the retry rings the same human).
 */
export async function dialReserved(ctx: HandoffContext, escalation: Escalation): Promise<DialOutcome> {
  const humanId = escalation.humanAgentId;
  const human = humanId ? await findHuman(ctx.db, humanId) : undefined;
  if (!human) {
    await failEscalation(ctx, escalation.id, 'the reserved human no longer exists');
    return 'failed';
  }
  const attempt = escalation.attempts;
  const reply = await ctx.callControl.send(
    escalation.callSid,
    dialInstruction(ctx, escalation, human, attempt),
  );
  if (!reply.ok) {
    if (reply.error.retryable) {
      throw new TransferUnavailableError(
        `the transfer of ${escalation.callSid} was not taken: ${reply.error.message}`,
      );
    }
    await failEscalation(ctx, escalation.id, reply.error.message);
    return 'failed';
  }
  const message = ctx.messages.dialing(human.name);
  const dialing = await ctx.db.transaction(async (tx) => {
    const row = await lockEscalation(tx, escalation.id);
    // The whisper (the human answered) may already have moved it on: never step back.
    if (row?.status !== 'routing' || row.attempts !== attempt || row.humanAgentId !== human.id)
      return undefined;
    return updateEscalation(tx, escalation.id, { status: 'dialing', message });
  });
  if (dialing) await ctx.publisher.publish({ escalation: dialing, status: 'dialing', human, message });
  return 'dialing';
}
