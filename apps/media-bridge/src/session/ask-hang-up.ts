import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/nats-core';
import type { CallHangUpReason, CallSid } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { requestCallControl } from '@voice/shared/nats';
import { type BackoffPolicy, backoffDelay } from '@voice/shared/retry';

/** Between asks the ingress could not take (nobody answered, the carrier was away). */
const RETRY: BackoffPolicy = { baseMs: 200, maxMs: 2_000, jitter: [0.5, 1] };

export interface HangUpAsk {
  nc: NatsConnection;
  callSid: CallSid;
  reason: CallHangUpReason;
  /** How long the ask may take, retries included. */
  windowMs: number;
  log: Logger;
  /** The session ended meanwhile (its `stop` came): asking again is pointless. */
  over(): boolean;
}

/**
 * Asks the call's ingress, through the call-control port, to hang up; a retryable refusal is
 * asked again until the window runs out. A permanent one (`call_gone`: the call already ended)
 * is only logged: the session then ends on its `stop`, or when its hang-up window runs out.
 * One ask may wait the whole window: the ingress can take long to reach a busy carrier, and
 * asking again meanwhile would end the call twice.
 */
export async function askToHangUp(ask: HangUpAsk): Promise<void> {
  const deadline = Date.now() + ask.windowMs;
  const command = { type: 'hang_up', reason: ask.reason } as const;
  for (let attempt = 1; !ask.over(); attempt++) {
    const timeoutMs = Math.max(deadline - Date.now(), 1);
    const reply = await requestCallControl(ask.nc, ask.callSid, command, timeoutMs);
    if (reply.ok) return;
    const pause = backoffDelay({ ...RETRY, attempt });
    if (!reply.error.retryable || Date.now() + pause >= deadline) {
      ask.log.warn({ error: reply.error, attempt }, 'the ingress did not hang up');
      return;
    }
    await sleep(pause);
  }
}
