import type {
  TransferAnswered,
  TransferAnsweredReply,
  TransferDialEnded,
  TransferDialEndedReply,
  TransferHeld,
  TransferHeldReply,
} from '@voice/shared/contracts';
import { type NatsConnection, transferOutcomes } from '@voice/shared/nats';

/** Asks the hand-off owner (the escalation service) what a transfer's outcome means for the call. */
export interface TransferOutcomes {
  answered(question: TransferAnswered): Promise<TransferAnsweredReply>;
  dialEnded(question: TransferDialEnded): Promise<TransferDialEndedReply>;
  held(question: TransferHeld): Promise<TransferHeldReply>;
}

/** Over NATS request/reply; `timeoutMs` stays well inside the 15 s Twilio waits for a callback's TwiML. */
export function natsTransferOutcomes(nc: NatsConnection, timeoutMs: number): TransferOutcomes {
  return {
    answered: (question) => transferOutcomes.answered(nc, question, timeoutMs),
    dialEnded: (question) => transferOutcomes.dialEnded(nc, question, timeoutMs),
    held: (question) => transferOutcomes.held(nc, question, timeoutMs),
  };
}

const UNANSWERED = {
  ok: false,
  error: { code: 'unavailable', message: 'no hand-off owner is wired to this gateway', retryable: true },
} as const;

/** For a gateway built without one (unit tests): every question goes unanswered. */
export const noTransferOutcomes: TransferOutcomes = {
  answered: async () => UNANSWERED,
  dialEnded: async () => UNANSWERED,
  held: async () => UNANSWERED,
};
