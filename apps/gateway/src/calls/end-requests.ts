import type { CallEndReason } from '@voice/shared/contracts';
import type { CallEventSink } from './call-events.js';
import { gatewayEvents } from './call-events.js';

/** How long a request waits for Twilio's status callback here before it is forgotten (ms). */
const KEEP_MS = 5 * 60_000;

/**
 * The reasons this gateway asked calls to end with, until Twilio's status callback confirms
 * the end: when the callback reaches this instance, its `call.ended` says why the call ended as
 * this gateway knows it (the first reason asked for). A callback that reaches another gateway
 * carries Twilio's word, and the recorder settles the reason from `call.end_requested`, which
 * every request publishes. Forgotten after a while, so a callback that never comes holds nothing.
 */
export class EndRequests {
  private readonly reasons = new Map<string, { reason: CallEndReason; expiry: NodeJS.Timeout }>();

  constructor(
    private readonly events: CallEventSink,
    private readonly now: () => number,
  ) {}

  /** Publishes why the call is about to end; the first request of a call is the one kept. */
  request(callSid: string, reason: CallEndReason): void {
    this.events.publish(gatewayEvents.endRequested(new Date(this.now()), callSid, reason));
    if (this.reasons.has(callSid)) return;
    const expiry = setTimeout(() => this.reasons.delete(callSid), KEEP_MS);
    expiry.unref();
    this.reasons.set(callSid, { reason, expiry });
  }

  /** The reason this gateway asked the call to end with, if it did; forgotten once taken. */
  take(callSid: string): CallEndReason | undefined {
    const entry = this.reasons.get(callSid);
    if (!entry) return undefined;
    clearTimeout(entry.expiry);
    this.reasons.delete(callSid);
    return entry.reason;
  }
}
