import { type BackoffPolicy, backoffDelay } from '@voice/shared/retry';
import type { RealtimeResponseCreateParams } from 'openai/resources/realtime/realtime';

/** A refused or failed request of ours is tried this many times in all before it is given up. */
export const MAX_RESPONSE_ATTEMPTS = 4;
/** Pauses between retries of a refused request; `MAX_RESPONSE_ATTEMPTS` bounds them, so no cap. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 500 };

/** The API's code when a `response.create` arrives while another response is active. */
const ACTIVE_RESPONSE = 'conversation_already_has_active_response';

export interface ResponseGateOptions {
  /** Pause before retry `attempt` (1-based) of a refused request (ms). */
  retryDelayMs?: (attempt: number) => number;
  /** Told after every change whether a response is in flight (the call's `responseInFlight`). */
  reportInFlight?(inFlight: boolean): void;
}

type GateState = 'idle' | 'requested' | 'active';

/**
 * Makes sure the bridge never asks for a response while one is in flight (the API rejects it,
 * and two would talk over each other). Requests wait in order; server-created responses (VAD)
 * count as in flight too. A request the server rejected because another response was active
 * goes back to the front. One the server refused for another reason (a rate limit, a server
 * error), or a response of ours that failed, is tried again after a pause, a few times: the
 * caller must not be left without the answer because the model hiccuped once.
 */
export class ResponseGate {
  private queue: RealtimeResponseCreateParams[] = [];
  private state: GateState = 'idle';
  private lastSent: RealtimeResponseCreateParams | undefined;
  private lastSentEventId: string | undefined;
  /** The request of ours the server is answering now. */
  private answering: RealtimeResponseCreateParams | undefined;
  private readonly attempts = new WeakMap<RealtimeResponseCreateParams, number>();
  private retryTimer: NodeJS.Timeout | undefined;
  private eventSeq = 0;

  constructor(
    private readonly send: (params: RealtimeResponseCreateParams, eventId: string) => boolean,
    private readonly options: ResponseGateOptions = {},
  ) {}

  /** A response is requested or being generated. */
  get inFlight(): boolean {
    return this.state !== 'idle';
  }

  request(params: RealtimeResponseCreateParams): void {
    this.queue.push(params);
    this.pump();
  }

  /** Drops waiting requests of one purpose (a filler is moot once the caller talks). */
  drop(purpose: string): void {
    this.queue = this.queue.filter((p) => p.metadata?.purpose !== purpose);
  }

  /**
   * A response started. `ours` when it carries the metadata of one of our requests; a response
   * the server made on its own (VAD) leaves our pending request pending (the server will
   * reject it, and it is sent again after).
   */
  onCreated(ours: boolean): void {
    this.setState('active');
    this.answering = ours ? this.lastSent : undefined;
    if (ours) this.lastSent = undefined;
  }

  /**
   * The response in flight is done; `failed` when the server gave up on it. Returns true when
   * it was a request of ours that failed (it is retried here).
   */
  onDone(failed = false): boolean {
    const answered = this.answering;
    this.answering = undefined;
    this.setState('idle');
    if (failed && answered) {
      this.retryLater(answered);
      return true;
    }
    this.pump();
    return false;
  }

  /** The server refused our `response.create` because another response is active. */
  onRejected(): void {
    if (this.lastSent) this.queue.unshift(this.lastSent);
    this.lastSent = undefined;
    this.setState('active');
  }

  /**
   * An `error` event. `eventId` is the client event it answers, if any: our last
   * `response.create` refused (rate limit, server error) is retried after a pause.
   */
  onError(eventId: string | null | undefined, code: string | null | undefined): void {
    if (code === ACTIVE_RESPONSE) {
      this.onRejected();
      return;
    }
    if (!eventId || eventId !== this.lastSentEventId || this.state !== 'requested' || !this.lastSent) return;
    const refused = this.lastSent;
    this.lastSent = undefined;
    this.setState('idle');
    this.retryLater(refused);
  }

  /**
   * A new model session: nothing is in flight there. A request sent to the old session that
   * never started goes back to the front; waiting requests go out on the next `pump`.
   */
  reset(): void {
    if (this.state === 'requested' && this.lastSent) this.queue.unshift(this.lastSent);
    this.setState('idle');
    this.lastSent = undefined;
    this.answering = undefined;
  }

  /** Sends the next waiting request if nothing is in flight. */
  pump(): void {
    if (this.state !== 'idle' || this.retryTimer !== undefined) return;
    const next = this.queue[0];
    if (!next) return;
    const eventId = `resp_create_${++this.eventSeq}`;
    if (!this.send(next, eventId)) return;
    this.queue.shift();
    this.attempts.set(next, (this.attempts.get(next) ?? 0) + 1);
    this.lastSent = next;
    this.lastSentEventId = eventId;
    this.setState('requested');
  }

  /** The call is over: no retry is pending any more. */
  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.queue = [];
  }

  private setState(state: GateState): void {
    this.state = state;
    this.options.reportInFlight?.(this.inFlight);
  }

  private retryLater(params: RealtimeResponseCreateParams): void {
    const attempts = this.attempts.get(params) ?? 1;
    if (attempts >= MAX_RESPONSE_ATTEMPTS) {
      this.pump();
      return;
    }
    this.queue.unshift(params);
    const delay =
      this.options.retryDelayMs?.(attempts) ?? backoffDelay({ ...RETRY_BACKOFF, attempt: attempts });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
  }
}
