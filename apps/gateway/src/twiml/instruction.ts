import type { CallInstruction } from '@voice/shared/contracts';
import type { TransferUrls } from '../transfer/urls.js';
import { hangUpTwiml, sayAndHangUpTwiml } from './hang-up.js';
import { dialHumanTwiml, enqueueTwiml } from './transfer.js';

/**
 * The TwiML a call runs for one instruction of the call-control vocabulary. A transfer's and a
 * queue's callbacks come back to this gateway carrying the instruction's `ref`.
 */
export function instructionTwiml(instruction: CallInstruction, urls: TransferUrls): string {
  switch (instruction.type) {
    case 'hang_up':
      return hangUpTwiml();
    case 'say_and_hang_up':
      return sayAndHangUpTwiml(instruction.text);
    case 'transfer':
      return dialHumanTwiml({
        say: instruction.say,
        to: instruction.to,
        actionUrl: urls.dialStatus(instruction.ref),
        whisperUrl: instruction.whisper === undefined ? undefined : urls.whisper(instruction.ref),
        timeoutSeconds: instruction.timeoutSeconds,
      });
    case 'enqueue':
      return enqueueTwiml({
        say: instruction.say,
        queue: instruction.queue,
        waitUrl: urls.hold(instruction.ref),
      });
  }
}
