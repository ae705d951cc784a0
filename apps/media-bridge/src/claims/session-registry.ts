import { BRIDGE_HEARTBEAT_INTERVAL_MS } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { BridgeMetrics } from '../metrics.js';
import type { SessionEndReason } from '../session/end-reasons.js';

/** What the registry needs of a live call. */
export interface LiveSession {
  readonly callSid: string;
  readonly claimId: string;
  heartbeat(): void;
  end(reason: SessionEndReason): void;
  /** Nobody speaks and nothing is pending: the caller would not notice the call moving. */
  isQuiet(): boolean;
  /** Gives the call back to the gateway (this bridge is going away) and ends the session. */
  handBack(): Promise<void>;
}

/** How often a draining bridge looks for a quiet moment in each call (ms). */
const QUIET_POLL_MS = 100;

/**
 * The calls this bridge holds, and its capacity. A slot is reserved before the (async) profile
 * lookup so concurrent claims can never overshoot `maxSessions`. One timer sends every live
 * call's heartbeat.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private reserved = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly emptyWaiters = new Set<() => void>();

  constructor(
    private readonly maxSessions: number,
    private readonly metrics: BridgeMetrics,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(callSid: string): LiveSession | undefined {
    return this.sessions.get(callSid);
  }

  /** Takes a slot if there is room; `add` or `release` must follow. */
  reserve(): boolean {
    if (this.sessions.size + this.reserved >= this.maxSessions) return false;
    this.reserved++;
    return true;
  }

  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  /** Turns a reservation into a live session. */
  add(session: LiveSession): void {
    this.release();
    this.sessions.set(session.callSid, session);
    this.metrics.activeSessions.set(this.sessions.size);
  }

  remove(session: LiveSession): void {
    if (this.sessions.get(session.callSid) !== session) return;
    this.sessions.delete(session.callSid);
    this.metrics.activeSessions.set(this.sessions.size);
    if (this.sessions.size === 0) for (const wake of [...this.emptyWaiters]) wake();
  }

  startHeartbeats(intervalMs = BRIDGE_HEARTBEAT_INTERVAL_MS): void {
    this.heartbeatTimer = setInterval(() => {
      for (const session of this.sessions.values()) {
        try {
          session.heartbeat();
        } catch (error) {
          this.logger.warn({ err: error, callSid: session.callSid }, 'heartbeat not sent');
        }
      }
    }, intervalMs);
  }

  stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
  }

  /** Resolves true once no call is live, or false when `timeoutMs` passes first. */
  whenEmpty(timeoutMs: number): Promise<boolean> {
    if (this.sessions.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (empty: boolean) => {
        clearTimeout(timer);
        this.emptyWaiters.delete(wake);
        resolve(empty);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.emptyWaiters.add(wake);
    });
  }

  /** Hands every live call back to the gateway, now. */
  handBackAll(): void {
    for (const session of [...this.sessions.values()]) this.handBack(session);
  }

  /**
   * Hands each live call back at its first quiet moment, and whatever is still here when
   * `withinMs` has passed. The gateway moves each one to another bridge.
   */
  handOverWhenQuiet(withinMs: number): void {
    const deadline = performance.now() + withinMs;
    const poll = () => {
      const late = performance.now() >= deadline;
      for (const session of [...this.sessions.values()]) {
        if (late || session.isQuiet()) this.handBack(session);
      }
      if (!late && this.sessions.size > 0) setTimeout(poll, QUIET_POLL_MS);
    };
    poll();
  }

  private handBack(session: LiveSession): void {
    session.handBack().catch((error: unknown) => {
      this.logger.error({ err: error, callSid: session.callSid }, 'call hand-back failed');
      session.end('hand_back_failed');
    });
  }
}
