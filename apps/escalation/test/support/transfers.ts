import type { DialEndStatus } from '@voice/shared/contracts';
import { type NatsConnection, transferOutcomes } from '@voice/shared/nats';

const ANSWER_TIMEOUT_MS = 10_000;

/** What the ingress asks the escalation service about a transfer, as the gateway asks it. */
export function transferQuestions(nc: NatsConnection) {
  return {
    answered: (ref: string) => transferOutcomes.answered(nc, { ref }, ANSWER_TIMEOUT_MS),
    dialEnded: (ref: string, status: DialEndStatus) =>
      transferOutcomes.dialEnded(nc, { ref, status }, ANSWER_TIMEOUT_MS),
    held: (ref: string, position?: number) =>
      transferOutcomes.held(nc, { ref, ...(position === undefined ? {} : { position }) }, ANSWER_TIMEOUT_MS),
  };
}
