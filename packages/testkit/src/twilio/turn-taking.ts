import type { SimulatedCall } from './simulator.js';

export interface AgentTurnOptions {
  /** Silence after the agent's last audio that counts as the end of its turn. Default 900 ms. */
  quietMs?: number;
  /** Default 30 s. */
  timeoutMs?: number;
}

const POLL_MS = 50;

/** When each call's caller last finished saying something (call time, ms). */
const lastSaid = new WeakMap<SimulatedCall, number>();

/** The caller says something (mu-law bytes or a WAV path); resolves once it has all been sent. */
export async function callerSays(call: SimulatedCall, audio: Uint8Array | string): Promise<void> {
  await call.say(audio);
  lastSaid.set(call, call.now());
}

/**
 * Resolves once the agent has answered the caller's last words (or, before the caller said
 * anything, greeted) and then been quiet for `quietMs` with nothing left to play: the moment a
 * polite caller speaks. Also resolves when the call ends. Polled: silence is an absence of events.
 */
export async function waitForAgentTurn(call: SimulatedCall, options: AgentTurnOptions = {}): Promise<void> {
  const quietMs = options.quietMs ?? 900;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const since = lastSaid.get(call) ?? 0;
  const deadline = call.now() + timeoutMs;
  for (;;) {
    if (call.isEnded) return;
    const heard = call.heard;
    const last = heard[heard.length - 1];
    const idle = (call.stream?.pendingPlaybackBytes ?? 0) === 0;
    if (last !== undefined && last.at > since && idle && call.now() - last.at >= quietMs) return;
    if (call.now() > deadline) throw new Error(`the agent did not finish a turn within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
