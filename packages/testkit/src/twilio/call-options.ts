import type { CallUpdate, FakeTwilioRestApi } from './fake-rest-api.js';
import type { MediaStreamOptions } from './media-stream.js';
import type { NetworkStalls } from './network-stalls.js';
import type { WebhookRetry } from './webhook-delivery.js';

/** What a simulated call is placed with, and what it reports when it is taken over or ends. */

export interface PlaceCallOptions {
  /** Where the gateway really listens, e.g. `http://127.0.0.1:PORT`. */
  gatewayUrl: string;
  /** The public URL Twilio was configured with: every signature is computed over it, as Twilio does. */
  publicBaseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  to: string;
  /** Default: a new `CA…` SID. */
  callSid?: string;
  /** Follow REST updates of this call: `Status=completed` hangs up, `Twiml` replaces what the call does. */
  restApi?: FakeTwilioRestApi;
  /** Default `/voice/inbound`. */
  webhookPath?: string;
  /** Twilio retries the voice webhook once (same token and body), possibly to another gateway. */
  webhookRetry?: WebhookRetry;
  /** The number's call status callback path (default `/voice/status`); `null` posts none. */
  statusCallbackPath?: string | null;
  /** Hooks and memory settings of every media stream the call opens (benchmarks). */
  streamHooks?: Pick<MediaStreamOptions, 'onOutgoingFrame' | 'onMessage' | 'recordMedia'>;
  /** Network stalls between Twilio and the gateway on every stream: caller frames arrive in bursts. */
  stalls?: NetworkStalls;
  /** Deliberately wrong inputs, for negative tests. `null` signatures send no header at all. */
  forge?: {
    webhookSignature?: string | null;
    upgradeSignature?: string | null;
    /** Replaces the `<Parameter>`s the TwiML gave (a bad or expired stream token). */
    customParameters?: Record<string, string>;
  };
}

/** A REST update that took the call off its stream (transfer, hold, hang-up), as the caller lived it. */
export interface RestTakeover {
  /** Milliseconds since the call was placed: the moment the stream stopped. */
  at: number;
  /** Agent audio forwarded to the stream but not played yet: Twilio drops it, never heard. */
  unplayedBytes: number;
  update: CallUpdate;
}

/** Why the simulated call ended. */
export type SimulatedCallEndReason =
  /** The TwiML ended in `<Hangup/>` (a refusal, or the fallback after the stream closed). */
  | 'twiml_hangup'
  /** The TwiML ran out of verbs. */
  | 'twiml_end'
  | 'caller_hangup'
  /** A REST update with `Status=completed`. */
  | 'rest_completed'
  /** The webhook was not answered with 200 (e.g. 403 for a forged signature). */
  | 'webhook_failed';

export interface CallEnd {
  reason: SimulatedCallEndReason;
  /** Milliseconds since the call was placed. */
  at: number;
  /** The TwiML the call was on when it ended. */
  twiml: string;
  /** What `<Say>` said after the last stream (a refusal, the fallback apology). */
  spoken: string[];
}
