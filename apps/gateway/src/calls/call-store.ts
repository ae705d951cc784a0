import type { CallEndReason } from '@voice/shared/contracts';

/** The row of a call as the gateway needs to see it. */
export interface CallSnapshot {
  status: 'ringing' | 'in_progress' | 'ended';
  endReason: string | null;
  streamStartedAt: Date | null;
}

export interface NewCall {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
  agentId: string | null;
  startedAt: Date;
}

/** Who a streaming call is between: what claiming it again (failover) needs. */
export interface StartedCall {
  accountSid: string;
  from: string;
  to: string;
  agentId: string;
}

/**
 * The gateway's view of the `calls` table. Every write is idempotent on the call SID: Twilio
 * retries webhooks and callbacks, and a repeat must change nothing.
 */
export interface CallStore {
  /** The agent profile answering this dialled number, if any. */
  findAgentForNumber(phoneNumber: string): Promise<string | undefined>;
  /** Inserts the call once; a retry gets the existing row back (`created: false`). */
  recordCall(call: NewCall): Promise<{ created: boolean; call: CallSnapshot }>;
  /**
   * Marks the first media stream of the call, atomically, and returns who the call is between;
   * undefined when a stream already started (a replayed token), the call has ended, or it has
   * no agent.
   */
  markStreamStarted(input: {
    callSid: string;
    streamSid: string;
    bridgeId: string;
    at: Date;
  }): Promise<StartedCall | undefined>;
  /** Whether a media stream of the call has started (on any gateway). */
  hasStreamStarted(callSid: string): Promise<boolean>;
  /** Remembers why the call is about to end (a hang-up we asked for) until Twilio confirms it. */
  noteEndReason(callSid: string, reason: CallEndReason): Promise<void>;
  /**
   * Closes the call's record. The first reason recorded wins; a repeat only fills what is still
   * missing (the duration). Returns the reason on record, or undefined when the call is unknown.
   */
  markEnded(input: {
    callSid: string;
    reason: CallEndReason;
    at: Date;
    durationMs?: number;
  }): Promise<string | undefined>;
}
