import type { CallStream, StreamingCall } from '@voice/shared/contracts';

/**
 * Each call's one media stream slot, shared by every gateway instance (NATS KV in production,
 * `createNatsCallStreams`): the first `start` takes it, and the call's end closes it. A
 * `take` succeeds for exactly one stream however many gateways race, which is what makes a
 * stream token single-use across gateways without the call's database row.
 */
export interface CallStreams {
  /** Takes the call's slot for this stream; false when a stream took it or the call ended first. */
  take(callSid: string, stream: StreamingCall): Promise<boolean>;
  /** Closes the slot: the call is over. Idempotent. */
  close(callSid: string): Promise<void>;
  /** The slot's state; undefined while no stream has taken it and the call goes on. */
  read(callSid: string): Promise<CallStream | undefined>;
}

/**
 * The slots of one process: enough for a single gateway (and the unit tests), where the
 * webhook, the stream and the status callback all reach the same instance.
 */
export class MemoryCallStreams implements CallStreams {
  private readonly slots = new Map<string, CallStream>();

  async take(callSid: string, stream: StreamingCall): Promise<boolean> {
    if (this.slots.has(callSid)) return false;
    this.slots.set(callSid, stream);
    return true;
  }

  async close(callSid: string): Promise<void> {
    this.slots.set(callSid, { state: 'ended' });
  }

  async read(callSid: string): Promise<CallStream | undefined> {
    return this.slots.get(callSid);
  }
}
