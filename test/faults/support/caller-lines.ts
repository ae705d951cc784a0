import { mulawTone, type SimulatedCall } from '@voice/testkit/twilio';
import { type Exchange, exchange, UTTERANCE_MS } from './conversation.js';

/**
 * What the next caller utterance "says". The fake model transcribes utterances in the order it
 * hears them, whichever call they come from; a test that speaks on several calls one exchange
 * at a time queues each line just before it is spoken, so the transcript always matches.
 * Use `transcripts` as the script's `callerTranscripts`.
 */
export class CallerLines {
  private readonly queue: string[] = [];

  readonly transcripts = (index: number): string =>
    this.queue.shift() ?? `(unscripted utterance ${index + 1})`;

  /** The caller of `call` says `line` and waits for the agent's whole answer. */
  async exchange(call: SimulatedCall, line: string, timeoutMs?: number): Promise<Exchange> {
    this.queue.push(line);
    return exchange(call, timeoutMs);
  }

  /** The caller says `line` without waiting for an answer. */
  say(call: SimulatedCall, line: string): Promise<void> {
    this.queue.push(line);
    return call.say(mulawTone(UTTERANCE_MS));
  }
}
