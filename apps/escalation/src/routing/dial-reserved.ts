import { failureKind, failureReason, TransferUnavailableError } from '../failures.js';
import { type Escalation, lockEscalation, updateEscalation } from '../store/escalations.js';
import { findHuman, type HumanAgent } from '../store/humans.js';
import { dialHumanTwiml } from '../transfer/transfer-twiml.js';
import type { HandoffContext } from './context.js';
import { failEscalation } from './fail.js';

/** How moving the call to a reserved human ended. */
export type DialOutcome = 'dialing' | 'failed';

/** The TwiML that rings `human` for attempt `attempt` of this escalation. */
export function dialTwimlFor(
  ctx: HandoffContext,
  escalation: Pick<Escalation, 'id'>,
  human: Pick<HumanAgent, 'name' | 'phone'>,
  attempt: number,
): string {
  return dialHumanTwiml({
    say: ctx.messages.dialing(human.name),
    phone: human.phone,
    actionUrl: ctx.urls.dialStatus(escalation.id, attempt),
    whisperUrl: ctx.urls.whisper(escalation.id, attempt),
    timeoutSeconds: ctx.settings.dialTimeoutSeconds,
  });
}

/**
 * Moves the live call to the human reserved for it (status `routing` with a human) with a
 * REST update, then records `dialing`. The record follows Twilio's acceptance, so a retry after
 * a failed update redirects again, and one after a recorded `dialing` never does.
 * A permanent Twilio error (the call ended) fails the escalation; a transient one is thrown as
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
  try {
    await ctx.callControl.redirect(escalation.callSid, dialTwimlFor(ctx, escalation, human, attempt));
  } catch (error) {
    if (failureKind(error) !== 'permanent') {
      throw new TransferUnavailableError(`twilio did not take the transfer of ${escalation.callSid}`, error);
    }
    await failEscalation(ctx, escalation.id, failureReason(error));
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
