import {
  BRIDGE_HEARTBEAT_INTERVAL_MS,
  type CallClaimReply,
  type CallClaimRequest,
  type CallControlReply,
  type CallHangUpReason,
  callClaimReplySchema,
  callClaimRequestSchema,
  decodeJson,
  encodeJson,
  type MediaInControl,
  type MediaOutControl,
  type MediaSubjects,
  mediaInControlSchema,
  mediaOutControlSchema,
  mediaSubjects,
  queueGroups,
  subjects,
} from '@voice/shared/contracts';
import { type NatsConnection, requestCallControl } from '@voice/shared/nats';
import { Changes } from './changes.js';

/** What reached the bridge on a claim's `in.>` subjects, in arrival order. */
export type BridgeInbound = { kind: 'audio'; payload: string } | { kind: 'control'; control: MediaInControl };

/** One claim as the fake bridge holds it. */
export class FakeClaim extends Changes {
  readonly inbound: BridgeInbound[] = [];
  /** Audio or a control went out since the last heartbeat tick. */
  private sentSinceBeat = false;

  constructor(
    readonly request: CallClaimRequest,
    readonly subjects: MediaSubjects,
    private readonly nc: NatsConnection,
  ) {
    super();
  }

  get audio(): string[] {
    return this.inbound.flatMap((entry) => (entry.kind === 'audio' ? [entry.payload] : []));
  }

  get controls(): MediaInControl[] {
    return this.inbound.flatMap((entry) => (entry.kind === 'control' ? [entry.control] : []));
  }

  /** Agent audio towards the caller: the raw base64 body, as a real bridge publishes it. */
  sendAudio(payload: string): void {
    this.sentSinceBeat = true;
    this.nc.publish(this.subjects.outAudio, payload);
  }

  sendControl(control: MediaOutControl): void {
    this.sentSinceBeat = true;
    this.nc.publish(this.subjects.outControl, encodeJson(mediaOutControlSchema, control));
  }

  /**
   * As the real bridge's channel does (apps/media-bridge/src/media/call-media-channel.ts
   * `heartbeat`): a beat only on a claim that sent nothing since the last one.
   */
  beat(): void {
    if (!this.sentSinceBeat) this.sendControl({ type: 'heartbeat', sentAt: Date.now() });
    this.sentSinceBeat = false;
  }

  /** Asks the call's ingress to hang up, as a real bridge does: through the call-control port. */
  hangUp(reason: CallHangUpReason): Promise<CallControlReply> {
    return requestCallControl(this.nc, this.request.callSid, { type: 'hang_up', reason }, 10_000);
  }

  waitForControl<T extends MediaInControl['type']>(type: T): Promise<Extract<MediaInControl, { type: T }>> {
    const find = () => this.controls.find((control) => control.type === type);
    return this.waitFor(() => find() !== undefined, `a "${type}" control`).then(
      () => find() as Extract<MediaInControl, { type: T }>,
    );
  }
}

export interface FakeBridgeOptions {
  bridgeId?: string;
  /** Decides each claim; default: accept every one. */
  decide?: (request: CallClaimRequest) => CallClaimReply['accepted'];
  /** Send caller audio straight back (a loopback agent). */
  echo?: boolean;
  /** Heartbeat every held claim as the real bridge does (default true). */
  heartbeats?: boolean;
}

/**
 * The smallest media-bridge that answers claims the way the real one does: a queue-group
 * responder on `calls.claim` that subscribes the claim's `in.>` subjects before accepting,
 * heartbeats every `BRIDGE_HEARTBEAT_INTERVAL_MS` on each claim that was otherwise quiet, and
 * answers the gateway's probes (apps/media-bridge: claims/session-registry.ts,
 * media/call-media-channel.ts). `stop()` is a killed process: subscriptions and heartbeats end
 * together.
 */
export class FakeBridge extends Changes {
  readonly claims = new Map<string, FakeClaim>();
  readonly bridgeId: string;
  private readonly stops: Array<() => void> = [];
  private claimSubscription: { unsubscribe(): void } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: FakeBridgeOptions = {},
  ) {
    super();
    this.bridgeId = options.bridgeId ?? 'fake-bridge';
  }

  async start(): Promise<this> {
    const sub = this.nc.subscribe(subjects.callClaim, {
      queue: queueGroups.mediaBridge,
      callback: (_error, msg) => {
        const request = decodeJson(callClaimRequestSchema, msg.data, 'claim');
        if (!request.ok) return;
        const accepted = this.options.decide?.(request.value) ?? true;
        if (accepted) this.hold(request.value);
        const reply: CallClaimReply = accepted
          ? { accepted: true, bridgeId: this.bridgeId, claimId: request.value.claimId }
          : { accepted: false, bridgeId: this.bridgeId, reason: 'at_capacity' };
        msg.respond(encodeJson(callClaimReplySchema, reply));
        this.changed();
      },
    });
    this.claimSubscription = sub;
    this.stops.push(() => sub.unsubscribe());
    if (this.options.heartbeats === false) {
      await this.nc.flush();
      return this;
    }
    const beat = setInterval(() => {
      for (const claim of this.claims.values()) claim.beat();
    }, BRIDGE_HEARTBEAT_INTERVAL_MS);
    this.stops.push(() => clearInterval(beat));
    await this.nc.flush();
    return this;
  }

  /** Resolves with the claim of this call, once the gateway has made it. */
  async claimOf(callSid: string): Promise<FakeClaim> {
    await this.waitFor(() => this.claims.has(callSid), `a claim of ${callSid}`);
    return this.claims.get(callSid) as FakeClaim;
  }

  /** Out of the claim queue group, still holding its calls (as a draining or hung process). */
  async stopClaiming(): Promise<void> {
    this.claimSubscription?.unsubscribe();
    await this.nc.flush();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private hold(request: CallClaimRequest): void {
    const media = mediaSubjects(request.callSid, request.claimId);
    const claim = new FakeClaim(request, media, this.nc);
    const sub = this.nc.subscribe(media.inAll, {
      callback: (_error, msg) => {
        if (msg.subject === media.inAudio) {
          const payload = msg.string();
          claim.inbound.push({ kind: 'audio', payload });
          if (this.options.echo) claim.sendAudio(payload);
        } else {
          if (msg.reply) msg.respond();
          const control = decodeJson(mediaInControlSchema, msg.data, 'in control');
          if (control.ok) claim.inbound.push({ kind: 'control', control: control.value });
        }
        claim.changed();
      },
    });
    this.stops.push(() => sub.unsubscribe());
    this.claims.set(request.callSid, claim);
  }
}
