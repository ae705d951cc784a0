import type { FakeRealtimeScript } from '@voice/testkit/openai';

/** What every caller "says" when it barges in (the fake model cannot hear). */
export const BARGE_IN_TRANSCRIPT = 'barge-in: when is my next appointment?';

/**
 * The fake model's side of a benchmark call: the greeting (a quoted line in the response
 * instructions) is spoken as asked; a caller turn is answered with a call to the Postgres-backed
 * `lookup_record` tool, and the tool's answer with a short line. A bare relay never answers the
 * call, so its calls simply go quiet after the barge-in.
 */
export function benchScript(): FakeRealtimeScript {
  return {
    callerTranscripts: () => BARGE_IN_TRANSCRIPT,
    rules: [
      { when: { callerSaid: 'barge-in' }, reply: { calls: [{ name: 'lookup_record', arguments: {} }] } },
      { when: { functionOutput: { name: 'lookup_record' } }, reply: { say: 'Thanks, I have your record.' } },
    ],
    defaultReply: { say: 'Okay.' },
  };
}
