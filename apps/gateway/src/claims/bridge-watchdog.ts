import type { MediaSubjects } from '@voice/shared/contracts';
import type { MediaBus } from './media-bus.js';

/** How often every watched claim is checked (ms). */
export const WATCHDOG_CHECK_MS = 250;
/**
 * A claim the bridge has been silent on this long is probed (ms): a bridge sends audio, a
 * control or a heartbeat at least every 500 ms, so this is one missed beat and some slack. A
 * probe costs one request; a live bridge answers it.
 */
export const BRIDGE_SUSPECT_AFTER_MS = 800;
/**
 * A claim the bridge has been silent on this long is given up even when the probe is
 * inconclusive (a hung process still subscribed), and the grace after the gateway's NATS
 * connection comes back (ms). Shorter moves calls off a hung bridge sooner, but risks moving
 * them off one that is only slow.
 */
export const BRIDGE_LOST_AFTER_MS = 3_000;
/** How long a probe waits for the bridge to answer (ms). */
const PROBE_TIMEOUT_MS = 500;

/** Why a bridge was given up: it no longer listens, or it has been silent too long. */
export type BridgeLossReason = 'gone' | 'silent';

/** One streaming claim under watch. */
export interface WatchedClaim {
  callSid: string;
  subjects: MediaSubjects;
  /** When the bridge last sent anything on the claim (epoch ms), if it ever did. */
  lastHeardAt(): number | undefined;
  /** Called once, when the bridge is taken for lost; the watch has ended by then. */
  onLost(reason: BridgeLossReason): void;
}

export interface BridgeWatchdogOptions {
  bus: Pick<MediaBus, 'probe' | 'connectedForMs'>;
  /** Silence after which the bridge is probed (ms). */
  suspectAfterMs: number;
  /** Silence after which a bridge that has been heard from before is lost, probe or not (ms). */
  lostAfterMs: number;
  now: () => number;
}

interface Watch {
  claim: WatchedClaim;
  since: number;
  probing: boolean;
}

/**
 * Notices a media bridge that died or hung under a live call. Bridges send something on each
 * claim at least every 500 ms (audio, a control, or a heartbeat when there was nothing else); a
 * claim silent for `suspectAfterMs` is probed, and a probe that finds no subscriber left (the
 * process is gone) loses it at once; `lostAfterMs` of silence loses it anyway. Silence only
 * counts while the gateway's own NATS connection has been up for `lostAfterMs`: during an
 * outage, and for a while after it, every bridge is silent.
 * One timer serves every call, and runs only while something is watched.
 */
export class BridgeWatchdog {
  private readonly watches = new Map<WatchedClaim, Watch>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BridgeWatchdogOptions) {}

  get size(): number {
    return this.watches.size;
  }

  /** Starts watching a claim; the returned function stops. */
  watch(claim: WatchedClaim): () => void {
    this.watches.set(claim, { claim, since: this.options.now(), probing: false });
    this.timer ??= setInterval(() => this.check(), WATCHDOG_CHECK_MS).unref();
    return () => this.unwatch(claim);
  }

  /** Checks every claim once (the timer does this; tests may call it). */
  check(): void {
    const upMs = this.options.bus.connectedForMs();
    if (upMs === undefined || upMs < this.options.lostAfterMs) return;
    const now = this.options.now();
    const connectedAt = now - upMs;
    for (const watch of [...this.watches.values()]) {
      const heard = watch.claim.lastHeardAt();
      const silentMs = now - Math.max(heard ?? watch.since, watch.since, connectedAt);
      if (heard !== undefined && silentMs >= this.options.lostAfterMs) this.lose(watch, 'silent');
      else if (silentMs >= this.options.suspectAfterMs && !watch.probing) void this.probe(watch);
    }
  }

  private async probe(watch: Watch): Promise<void> {
    watch.probing = true;
    const result = await this.options.bus.probe(watch.claim.subjects, PROBE_TIMEOUT_MS);
    watch.probing = false;
    if (result === 'gone' && this.watches.get(watch.claim) === watch) this.lose(watch, 'gone');
  }

  private lose(watch: Watch, reason: BridgeLossReason): void {
    this.unwatch(watch.claim);
    watch.claim.onLost(reason);
  }

  private unwatch(claim: WatchedClaim): void {
    this.watches.delete(claim);
    if (this.watches.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
