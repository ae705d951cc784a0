import { mulawTone, type SimulatedCall } from '@voice/testkit/twilio';

/** How long one simulated caller utterance lasts (a tone: the fake model "hears" its script). */
export const UTTERANCE_MS = 700;

/** An agent answer long enough (several seconds at real pace) to break into while it plays. */
export const LONG_ANSWER =
  'We are open from eight in the morning until six in the evening on weekdays, from nine until one on Saturdays, and we are closed on Sundays and on public holidays, but the emergency line is always answered.';
/** Silence after the agent's last audio that ends its turn (the profile's VAD waits 500 ms). */
const TURN_QUIET_MS = 800;
const POLL_MS = 20;

/** When the caller heard what, around one exchange (call time, ms since dialling). */
export interface Exchange {
  /** The caller finished speaking. */
  saidAt: number;
  /** The first agent audio heard after that. */
  answeredAt: number;
  /** The agent's last audio of the turn. */
  doneAt: number;
}

/** Resolves once `predicate` holds, polled: silence is an absence of events. */
async function until(call: SimulatedCall, predicate: () => boolean, timeoutMs: number, what: string) {
  const deadline = call.now() + timeoutMs;
  while (!predicate()) {
    if (call.isEnded) throw new Error(`the call ended while waiting for ${what}`);
    if (call.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The call time at which the caller first heard audio that the model sent at or after
 * `sentAt` (`performance.now()`, e.g. a fake session's `sent[].at`): tells a new bridge's first
 * words from the previous bridge's audio still playing out.
 */
export function heardFromModelAfter(call: SimulatedCall, sentAt: number): number | undefined {
  const callTime = sentAt - (performance.now() - call.now());
  return firstHeardAfter(call, callTime);
}

/** The first agent audio the caller heard after call time `at`, if any yet. */
export function firstHeardAfter(call: SimulatedCall, at: number): number | undefined {
  return call.heard.find((chunk) => chunk.at > at)?.at;
}

/** The last agent audio heard at or before call time `at`. */
export function lastHeardBefore(call: SimulatedCall, at: number): number | undefined {
  return call.heard.findLast((chunk) => chunk.at <= at)?.at;
}

/**
 * Waits until the agent has spoken after call time `since` and then been quiet, with nothing
 * left to play (or the call ended after it spoke): the end of its turn. Returns the first and
 * last audio of that turn.
 */
export async function agentTurn(
  call: SimulatedCall,
  since: number,
  timeoutMs = 20_000,
): Promise<{ firstAt: number; lastAt: number }> {
  await until(
    call,
    () => {
      const last = call.heard.at(-1);
      if (last === undefined || last.at <= since) return false;
      // The agent's last words may end the call (a goodbye before the hang-up).
      if (call.isEnded) return true;
      const idle = (call.stream?.pendingPlaybackBytes ?? 0) === 0;
      return idle && call.now() - last.at >= TURN_QUIET_MS;
    },
    timeoutMs,
    'the agent to finish a turn',
  );
  return { firstAt: firstHeardAfter(call, since) as number, lastAt: call.heard.at(-1)?.at as number };
}

/** The caller says one utterance and waits for the agent's whole answer. */
export async function exchange(call: SimulatedCall, timeoutMs = 20_000): Promise<Exchange> {
  await call.say(mulawTone(UTTERANCE_MS));
  const saidAt = call.now();
  const turn = await agentTurn(call, saidAt, timeoutMs);
  return { saidAt, answeredAt: turn.firstAt, doneAt: turn.lastAt };
}

/**
 * The longest stretch without agent audio between call times `from` and `to`, counting from
 * `from` itself: the silence the caller sat through (ms).
 */
export function longestSilence(call: SimulatedCall, from: number, to: number): number {
  const times = [from, ...call.heard.map((chunk) => chunk.at).filter((at) => at > from && at <= to), to];
  let longest = 0;
  for (let i = 1; i < times.length; i++)
    longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
  return longest;
}
