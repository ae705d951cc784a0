import type { ToolRequest, ToolResponse } from '@voice/shared/contracts';

/** One invocation's idempotency key: the model's call id within one call. */
export interface InvocationKey {
  callSid: string;
  toolCallId: string;
}

/** What the ledger says about a request before the tool runs. */
export type Claim =
  /** This worker owns the invocation now: run the tool. */
  | { kind: 'claimed' }
  /** It ran before: answer with its stored outcome, do not run again. */
  | { kind: 'completed'; response: ToolResponse }
  /** Another worker is running it right now. */
  | { kind: 'running' }
  /** The call id was already used for a different tool. */
  | { kind: 'mismatch'; storedName: string };

/** The record of every invocation and the idempotency that rests on it. */
export interface InvocationLedger {
  /**
   * Records the invocation as running unless it exists. A row still `running` longer than
   * `staleAfterMs` belongs to a worker that died (a live one always records an outcome before
   * its deadline), so it is taken over.
   */
  claim(request: ToolRequest, workerId: string, staleAfterMs: number): Promise<Claim>;
  /** The stored state of an invocation another worker is running. */
  read(key: InvocationKey, name: string): Promise<Claim>;
  /** Records the outcome, once: only a row still `running` is updated. */
  complete(key: InvocationKey, response: ToolResponse, latencyMs: number, workerId: string): Promise<void>;
}

/** For workers without a database: every request runs, nothing is recorded. */
export const unrecordedLedger: InvocationLedger = {
  claim: async () => ({ kind: 'claimed' }),
  read: async () => ({ kind: 'claimed' }),
  complete: async () => {},
};
