import type { CallControlCommand, CallControlReply } from '@voice/shared/contracts';
import { callLogger } from '@voice/shared/logging';
import { callControlErrorOf } from '@voice/shared/twilio';
import type { GatewayContext } from '../context.js';
import type { TransferUrls } from '../transfer/urls.js';
import { instructionTwiml } from '../twiml/instruction.js';
import { hangUpCommand } from './hang-up.js';

/** Runs one call-control command on a Twilio call; the answer is always a reply, never a throw. */
export type CallCommandRunner = (callSid: string, command: CallControlCommand) => Promise<CallControlReply>;

/**
 * Twilio's side of the call-control port: every command but `hang_up` replaces the call's TwiML
 * with a REST update (the call leaves the media stream if it was on one); the transfer's and the
 * queue's callbacks come back to this gateway's transfer routes.
 */
export function twilioCallCommands(ctx: GatewayContext, urls: TransferUrls): CallCommandRunner {
  return async (callSid, command) => {
    if (command.type === 'hang_up') return hangUpCommand(ctx, callSid, command.reason);
    try {
      await ctx.callControl.redirect(callSid, instructionTwiml(command, urls));
      return { ok: true };
    } catch (error) {
      callLogger(ctx.logger, callSid).warn({ err: error, command: command.type }, 'call update failed');
      return { ok: false, error: callControlErrorOf(error) };
    }
  };
}
