import { type MediaInControl, type MediaSubjects, mediaSubjects } from '@voice/shared/contracts';

/** Why the bridge is told a stream stopped. */
export type BridgeStopReason = Extract<MediaInControl, { type: 'stop' }>['reason'];

/** The open media stream of a live call, as the rest of the gateway may act on it. */
export interface StreamHandle {
  /** Tells the bridge why the stream stops and closes Twilio's socket with `closeCode`. Idempotent. */
  end(reason: BridgeStopReason, closeCode: number): void;
}

/** A call this gateway holds: claimed by a bridge, then streaming. */
export interface LiveCall {
  readonly callSid: string;
  readonly claimId: string;
  readonly bridgeId: string;
  readonly subjects: MediaSubjects;
  /** Present once Twilio's media stream is up. */
  stream: StreamHandle | undefined;
  /** Why the stream is about to stop when this gateway caused it (a hang-up it asked for). */
  stopReason: BridgeStopReason | undefined;
}

/** What identifies one claim of one call. */
export interface ClaimRef {
  callSid: string;
  claimId: string;
  bridgeId: string;
}

interface Entry {
  call: LiveCall;
  expiry: NodeJS.Timeout | undefined;
}

/**
 * The calls this gateway holds, for admission control, retried webhooks, status callbacks and
 * hang-ups. A claimed call whose stream never arrives is let go when its token expires, so a
 * lost stream cannot hold a slot (here or at the bridge) forever.
 */
export class LiveCalls {
  private readonly entries = new Map<string, Entry>();
  private readonly emptyWaiters = new Set<() => void>();
  private reserved = 0;

  constructor(
    private readonly max: number,
    private readonly onSizeChange: (size: number) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Takes a slot for a call being admitted, before its (asynchronous) claim: concurrent
   * webhooks can then never admit more than `max` calls. `unreserve` must follow, once the
   * call is held or refused. False when there is no room.
   */
  reserve(): boolean {
    if (this.entries.size + this.reserved >= this.max) return false;
    this.reserved++;
    return true;
  }

  unreserve(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  get(callSid: string): LiveCall | undefined {
    return this.entries.get(callSid)?.call;
  }

  all(): LiveCall[] {
    return [...this.entries.values()].map((entry) => entry.call);
  }

  /**
   * Holds a claimed call until its stream arrives; after `expiresInMs` without one, the call is
   * removed and `onExpire` runs. Holding the same claim again (a retried webhook) restarts the wait.
   */
  hold(claim: ClaimRef, expiresInMs: number, onExpire: (call: LiveCall) => void): LiveCall {
    const entry = this.entryFor(claim);
    clearTimeout(entry.expiry);
    entry.expiry = setTimeout(() => {
      if (this.entries.get(claim.callSid) !== entry || entry.call.stream) return;
      this.delete(claim.callSid);
      onExpire(entry.call);
    }, expiresInMs);
    entry.expiry.unref();
    return entry.call;
  }

  /** The call's stream is up (on this gateway, whichever one answered the webhook). */
  attachStream(claim: ClaimRef, stream: StreamHandle): LiveCall {
    const entry = this.entryFor(claim);
    clearTimeout(entry.expiry);
    entry.expiry = undefined;
    entry.call.stream = stream;
    return entry.call;
  }

  /**
   * The streaming call moved to another bridge: the same slot now holds the new claim, with the
   * stream carried over. Undefined when the call is no longer held under `fromClaimId`.
   */
  moveClaim(fromClaimId: string, to: ClaimRef): LiveCall | undefined {
    const entry = this.entries.get(to.callSid);
    if (!entry || entry.call.claimId !== fromClaimId) return undefined;
    entry.call = {
      ...entry.call,
      claimId: to.claimId,
      bridgeId: to.bridgeId,
      subjects: mediaSubjects(to.callSid, to.claimId),
    };
    return entry.call;
  }

  /** Forgets the call if it is still held under this claim; true when it was. */
  remove(callSid: string, claimId: string): boolean {
    const entry = this.entries.get(callSid);
    if (!entry || entry.call.claimId !== claimId) return false;
    this.delete(callSid);
    return true;
  }

  /** Resolves true once no call is held, or false when `timeoutMs` passes first. */
  whenEmpty(timeoutMs: number): Promise<boolean> {
    if (this.entries.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (empty: boolean) => {
        clearTimeout(timer);
        this.emptyWaiters.delete(onEmpty);
        resolve(empty);
      };
      const onEmpty = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.emptyWaiters.add(onEmpty);
    });
  }

  private entryFor(claim: ClaimRef): Entry {
    const existing = this.entries.get(claim.callSid);
    if (existing && existing.call.claimId === claim.claimId) return existing;
    if (existing) this.delete(claim.callSid);
    const entry: Entry = {
      call: {
        callSid: claim.callSid,
        claimId: claim.claimId,
        bridgeId: claim.bridgeId,
        subjects: mediaSubjects(claim.callSid, claim.claimId),
        stream: undefined,
        stopReason: undefined,
      },
      expiry: undefined,
    };
    this.entries.set(claim.callSid, entry);
    this.onSizeChange(this.entries.size);
    return entry;
  }

  private delete(callSid: string): void {
    const entry = this.entries.get(callSid);
    if (!entry) return;
    clearTimeout(entry.expiry);
    this.entries.delete(callSid);
    this.onSizeChange(this.entries.size);
    if (this.entries.size === 0) for (const wake of [...this.emptyWaiters]) wake();
  }
}
