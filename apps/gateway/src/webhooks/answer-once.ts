import type { CallAnswer, DecidedCallAnswer } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { AnswerLedger } from '../claims/answer-ledger.js';

/**
 * How long an attempt waits for another gateway's answer to the same call. Twilio gives the
 * whole webhook 15 s (`#tt`, default and maximum 15000 ms: Twilio docs, "Webhooks connection
 * overrides"); the rest is for the answer to travel back.
 */
export const ANSWER_WAIT_MS = 12_000;
/** Time an owner has besides its claim requests (Postgres, NATS round trips). */
const LEASE_MARGIN_MS = 3_000;

/** How this attempt came by its answer (the `how` label of `gateway_webhook_dedup_total`). */
export type AnswerRole = 'owner' | 'followed' | 'took_over';

/** The owner's part: decide the answer, and undo it if the lease was lost meanwhile. */
export interface OwnerWork {
  decide(): Promise<DecidedCallAnswer>;
  /** Another attempt took the call over while this one decided: let go of what it holds. */
  undo(answer: DecidedCallAnswer): void;
}

export interface AnswerOnceDeps {
  ledger: AnswerLedger;
  gatewayId: string;
  now: () => number;
  /** How long an owner may take before a retry presumes it dead (ms). */
  leaseMs: number;
  /** How long this attempt may wait for another's answer (ms). */
  waitMs: number;
  logger: Logger;
}

/** No answer came within the wait: the owner is alive but slow, or the ledger is unreachable. */
export class AnswerWaitTimeout extends Error {
  constructor(callSid: string, waitedMs: number) {
    super(`no answer for ${callSid} after ${waitedMs} ms: another attempt still holds it`);
    this.name = 'AnswerWaitTimeout';
  }
}

/** An owner's lease: its claim requests, each at most the claim timeout, plus a margin. */
export function ownerLeaseMs(config: { CLAIM_ATTEMPTS: number; CLAIM_TIMEOUT_MS: number }): number {
  return config.CLAIM_ATTEMPTS * config.CLAIM_TIMEOUT_MS + LEASE_MARGIN_MS;
}

/**
 * Answers one attempt of a call's webhook so that every attempt, on any gateway, gets the same
 * answer and only one of them claims a bridge. The first to create the call's ledger entry owns
 * it and decides; the others wait for that decision (bounded by `waitMs`) and repeat it. The
 * lease of an owner that died runs out, and the next attempt replaces the entry at the revision
 * it read, so exactly one attempt takes over. An owner that finds its lease taken when it
 * writes undoes its claim and follows the new owner.
 */
export async function answerOnce(
  deps: AnswerOnceDeps,
  callSid: string,
  work: OwnerWork,
): Promise<{ answer: DecidedCallAnswer; role: AnswerRole }> {
  const deadline = deps.now() + deps.waitMs;
  const lease = (): CallAnswer => ({
    state: 'answering',
    gatewayId: deps.gatewayId,
    leaseUntil: deps.now() + deps.leaseMs,
  });
  for (;;) {
    const created = await deps.ledger.create(callSid, lease());
    const owned = created === undefined ? undefined : await own(deps, callSid, created, work);
    if (owned) return { answer: owned, role: 'owner' };
    if (created !== undefined) continue;

    const entry = await deps.ledger.read(callSid);
    if (!entry) continue; // an owner gave up between our create and read: try again
    if (entry.answer.state !== 'answering') return { answer: entry.answer, role: 'followed' };
    if (entry.answer.leaseUntil <= deps.now()) {
      const taken = await deps.ledger.replace(callSid, lease(), entry.revision);
      deps.logger.warn(
        { previousOwner: entry.answer.gatewayId, taken: taken !== undefined },
        'answer lease ran out',
      );
      const owned = taken === undefined ? undefined : await own(deps, callSid, taken, work);
      if (owned) return { answer: owned, role: 'took_over' };
      continue;
    }
    const untilDeadline = deadline - deps.now();
    if (untilDeadline <= 0) throw new AnswerWaitTimeout(callSid, deps.waitMs);
    const untilLeaseEnds = entry.answer.leaseUntil - deps.now();
    await deps.ledger.changed(callSid, entry.revision, Math.min(untilLeaseEnds, untilDeadline));
  }
}

/**
 * Decides as the owner and writes the answer at the lease's revision. Undefined when the lease
 * was taken meanwhile (the decision is undone). A failed decision gives the entry back.
 */
async function own(
  deps: AnswerOnceDeps,
  callSid: string,
  revision: number,
  work: OwnerWork,
): Promise<DecidedCallAnswer | undefined> {
  let answer: DecidedCallAnswer;
  try {
    answer = await work.decide();
  } catch (error) {
    await deps.ledger.release(callSid, revision).catch((releaseError: unknown) => {
      deps.logger.error({ err: releaseError }, 'could not give back the answer lease');
    });
    throw error;
  }
  let written: number | undefined;
  try {
    written = await deps.ledger.replace(callSid, answer, revision);
  } catch (error) {
    // Unrecorded, the claim would be claimed again by a retry once the lease ran out.
    work.undo(answer);
    throw error;
  }
  if (written !== undefined) return answer;
  deps.logger.warn({ answer: answer.state }, 'another attempt took the call over: undoing this answer');
  work.undo(answer);
  return undefined;
}
