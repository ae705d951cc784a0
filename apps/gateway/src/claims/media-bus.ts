import type {
  CallClaimRequest,
  MediaInControl,
  MediaOutControl,
  MediaSubjects,
} from '@voice/shared/contracts';

/** How one claim request ended. */
export type ClaimAnswer =
  | { kind: 'accepted'; bridgeId: string }
  | { kind: 'declined'; bridgeId: string; reason: string }
  /** No bridge is subscribed at all: asking again cannot help. */
  | { kind: 'no_responders' }
  | { kind: 'timeout' }
  /** A reply that does not match the contract (counted as a decline). */
  | { kind: 'invalid_reply'; detail: string };

/**
 * Whether a claim's bridge still listens: `alive` (it answered), `gone` (nothing is subscribed
 * to the claim's subjects: the process died), `unknown` (no answer in time: slow or hung).
 */
export type ProbeResult = 'alive' | 'gone' | 'unknown';

/** What the bridge of one claim sends towards the caller. */
export interface BridgeHandlers {
  /**
   * Agent audio: the base64 mu-law payload exactly as the bridge published it, as bytes (a view
   * into the received message: copy it to keep it past this call).
   */
  onAudio(payload: Uint8Array): void;
  onControl(control: MediaOutControl): void;
  /** A control message that does not match the contract: counted and dropped. */
  onInvalid(detail: string): void;
}

/**
 * The gateway's open media path to one claim's bridge. Audio and control share one connection, so
 * their order holds.
 */
export interface BridgeLink {
  /**
   * Caller audio (base64, as text or its bytes), forwarded without decoding. Sent at the end of
   * the turn, so the bytes are kept until then: a WebSocket message's own bytes (ws hands each
   * message memory of its own that nothing rewrites) may be passed as they are.
   */
  sendAudio(payload: Uint8Array | string): void;
  sendControl(control: MediaInControl): void;
  /** Stops listening to the bridge; sending after this is a no-op. */
  close(): void;
}

/**
 * The gateway's side of the media-bridge pool: claim requests and per-claim media subjects.
 * NATS in production; unit tests give a fake that implements the same interface.
 */
export interface MediaBus {
  requestClaim(request: CallClaimRequest, timeoutMs: number): Promise<ClaimAnswer>;
  link(subjects: MediaSubjects, handlers: BridgeHandlers): BridgeLink;
  /** A control for a claim without an open link (a claim whose stream never came). */
  sendControl(subjects: MediaSubjects, control: MediaInControl): void;
  /** Asks the claim's bridge whether it is there (a `heartbeat` control sent as a request). */
  probe(subjects: MediaSubjects, timeoutMs: number): Promise<ProbeResult>;
  /**
   * How long the bus has been connected without a break (ms); undefined while it is not. While
   * the connection is down or has just come back, every bridge is silent: that proves nothing.
   */
  connectedForMs(): number | undefined;
}
