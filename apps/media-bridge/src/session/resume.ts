import type { CallClaimRequest } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { CallHistorySource } from '../history/call-history.js';
import { restoreTranscript } from '../history/restore-transcript.js';
import type { Transcript } from './transcript.js';

/** Why a call came to this bridge from another one. */
export type ResumeReason = NonNullable<CallClaimRequest['resume']>['reason'];

/** Longest wait for the history of a call taken over; the call goes on without it after. */
const HISTORY_MAX_WAIT_MS = 2_000;

const LOST_NOTE =
  'The call just moved to a new line after a technical problem, and the caller may have missed the end of what you were saying. Apologise in one short sentence and carry on from where the conversation was.';

const CUT_OFF_NOTE =
  'The call just moved to a new line and your last sentence was cut off. Finish your point in one short sentence, without starting over.';

/** What a bridge taking over a live call does first. */
export interface ResumePlan {
  /** A system note for the model, if it needs one. */
  note: string | undefined;
  /** Whether the agent speaks first, or waits for the caller. */
  respond: boolean;
}

/**
 * After a bridge died, the caller heard its voice stop: the agent apologises briefly and goes
 * on. After a hand-over at a quiet moment, nothing happened that the caller could notice: the
 * agent only speaks first if a question of the caller's is still unanswered. A hand-over at the
 * drain deadline may have cut the agent off mid-sentence: it finishes its point.
 */
export function planResume(reason: ResumeReason, transcript: Transcript): ResumePlan {
  if (reason === 'bridge_lost') return { note: LOST_NOTE, respond: true };
  const lastSpoken = transcript.entries.findLast(
    (entry) => entry.kind === 'caller' || entry.kind === 'agent',
  );
  if (lastSpoken?.kind === 'agent' && lastSpoken.interrupted) return { note: CUT_OFF_NOTE, respond: true };
  return { note: undefined, respond: lastSpoken?.kind === 'caller' && Boolean(lastSpoken.text) };
}

/**
 * Fills the transcript with what was said on the call before this bridge took it over, from the
 * call's events. A history that cannot be read in time is logged and skipped: the call goes on,
 * and the model only lacks the context.
 */
export async function restoreHistory(
  source: CallHistorySource,
  callSid: string,
  transcript: Transcript,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const events = await Promise.race([
      source.load(callSid),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no history within ${HISTORY_MAX_WAIT_MS} ms`)),
          HISTORY_MAX_WAIT_MS,
        );
      }),
    ]);
    const turns = restoreTranscript(transcript, events);
    logger.info({ turns, events: events.length }, 'conversation restored from the call history');
  } catch (error) {
    logger.warn({ err: error }, 'call history unavailable; the call goes on without it');
  } finally {
    clearTimeout(timer);
  }
}
