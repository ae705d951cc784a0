import type { Escalation } from '../store/escalations.js';
import type { HandoffContext } from './context.js';

/**
 * At intake the AI agent is still on the line, saying it is handing the caller over. Moving the
 * call drops what the stream has not played, so this waits until the caller has heard that
 * line (`ANNOUNCEMENT_WAIT_MS` at most). A redelivery waits again: the stored fact answers it
 * at once, and the `dialing` record still guards against a second transfer. A bound of 0
 * turns the wait off.
 */
export async function afterHandOffLine(
  ctx: HandoffContext,
  escalation: Pick<Escalation, 'id' | 'callSid'>,
): Promise<void> {
  if (ctx.settings.announcementWaitMs <= 0) return;
  const started = performance.now();
  const outcome = await ctx.announcements.heard(escalation, ctx.settings.announcementWaitMs);
  const waitedMs = Math.round(performance.now() - started);
  const bindings = { callSid: escalation.callSid, escalationId: escalation.id, waitedMs };
  if (outcome === 'heard') ctx.logger.info(bindings, 'hand-off line heard, moving the call');
  else ctx.logger.warn(bindings, 'hand-off line not confirmed in time, moving the call anyway');
}
