import {
  type CallEndReason,
  mediaSubjects,
  type TwilioInboundMessage,
  type TwilioStartMessage,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { type RawData, WebSocket } from 'ws';
import { gatewayEvents } from '../calls/call-events.js';
import type { BridgeStopReason, LiveCall } from '../calls/live-calls.js';
import { releaseClaim } from '../calls/release-claim.js';
import type { StartedCall } from '../calls/started-call.js';
import type { BridgeLossReason } from '../claims/bridge-watchdog.js';
import type { GatewayContext } from '../context.js';
import { claimAnotherBridge, type MoveReason } from './bridge-move.js';
import { checkStart } from './check-start.js';
import { CLOSE_INTERNAL_ERROR, CLOSE_NORMAL, CLOSE_POLICY_VIOLATION } from './close-codes.js';
import type { DropReason } from './frame-guard.js';
import { FrameIntake } from './frame-intake.js';
import { HeldFrames } from './held-frames.js';
import { MarkLedger } from './mark-ledger.js';
import { type Relay, type ReleaseReason, type SocketCork, startRelay } from './relay.js';

/** A claim of the call that this stream does not relay to (to release it). */
function claimOf(callSid: string, claimId: string) {
  return { callSid, claimId, subjects: mediaSubjects(callSid, claimId) };
}

/** Messages held while the token is checked (Twilio sends media right after `start`): 5 s of audio. */
const MAX_START_BACKLOG = 250;

/** `moving`: streaming, while another bridge is being claimed (the previous one died or left). */
type State = 'awaiting_start' | 'starting' | 'streaming' | 'moving' | 'closed';

/**
 * One Twilio media stream, from the upgrade to the close. Nothing reaches a bridge before the
 * `start` message presents a valid, unexpired, first-use stream token for its call. Every frame
 * goes through the stream's `FrameIntake` (echoes of our marks settled against the marks
 * sent, a rate limit for the rest, fast path for live media, the Twilio union for the rest); bad ones are counted and dropped, too many close the stream. When the
 * bridge dies, hangs or hands the call back (draining), the call moves to another bridge while
 * the caller stays on the line. Listeners never throw: an unexpected failure closes the stream
 * with 1011.
 */
export class MediaStreamSession {
  private state: State = 'awaiting_start';
  private readonly intake: FrameIntake;
  private readonly startTimer: NodeJS.Timeout;
  private backlog: TwilioInboundMessage[] = [];
  private readonly held = new HeldFrames();
  /** Marks sent on this stream, whichever bridge sent them, until Twilio echoes them. */
  private readonly marks = new MarkLedger();
  private relay: Relay | undefined;
  private unwatch: (() => void) | undefined;
  private live: LiveCall | undefined;
  private call: StartedCall | undefined;
  private moves = 0;
  private streamSid = '';
  private log: Logger;

  /** `cork` is the socket under `socket`: a chunk of agent audio and its mark leave in one write. */
  constructor(
    private readonly ctx: GatewayContext,
    private readonly socket: WebSocket,
    private readonly cork: SocketCork,
  ) {
    this.log = ctx.logger.child({ component: 'stream' });
    this.intake = new FrameIntake(
      ctx,
      {
        onMessage: (message) => this.dispatch(message),
        onLiveMedia: (payload) => this.relay?.fromTwilioAudio(payload),
        onMarkEcho: (name, claimId) => this.onMarkEcho(name, claimId),
        onTooManyBad: () => this.finish('stream_closed', CLOSE_POLICY_VIOLATION, 'bad_frames'),
      },
      this.log,
      this.marks,
    );
    this.startTimer = setTimeout(() => this.reject('start_timeout'), ctx.config.STREAM_START_TIMEOUT_MS);
  }

  /** Wires the socket's listeners; none of them can throw. */
  listen(): void {
    const { socket } = this;
    // Per message: no closure, so the guard is written out here.
    socket.on('message', (data, isBinary) => {
      try {
        this.onMessage(data, isBinary);
      } catch (error) {
        this.failed(error);
      }
    });
    socket.on('close', (code) =>
      this.guarded(() => this.finish(this.stopReason(), undefined, `closed_${code}`)),
    );
    socket.on('error', (error) => this.guarded(() => this.onSocketError(error)));
  }

  private guarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.log.error({ err: error }, 'media stream failed');
    this.finish('stream_closed', CLOSE_INTERNAL_ERROR, 'internal_error');
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state !== 'closed') this.intake.receive(data, isBinary);
  }

  private dispatch(message: TwilioInboundMessage): void {
    switch (this.state) {
      case 'awaiting_start':
        if (message.event === 'start') this.begin(message);
        else if (message.event !== 'connected') this.drop('before_start');
        return;
      case 'starting':
        if (message.event === 'start') this.drop('unexpected_start');
        else if (this.backlog.length < MAX_START_BACKLOG) this.backlog.push(message);
        else this.drop('start_backlog_full');
        return;
      case 'streaming':
      case 'moving':
        this.relayMessage(message);
        return;
      case 'closed':
        return;
    }
  }

  private relayMessage(message: TwilioInboundMessage): void {
    if (message.event === 'connected') return;
    if (message.event === 'start') this.drop('unexpected_start');
    else if (message.streamSid !== this.streamSid) this.drop('wrong_stream');
    else if (message.event === 'stop') this.finish(this.stopReason(), CLOSE_NORMAL, 'twilio_stop');
    else if (message.event === 'mark') this.settleParsedEcho(message.mark.name);
    else if (this.state === 'streaming') this.relay?.fromTwilio(message);
    else this.held.hold(message);
  }

  /** A mark echo the fast path left to the full parser (an odd layout): accounted the same way. */
  private settleParsedEcho(name: string): void {
    const claimId = this.marks.echoed(name);
    if (claimId === undefined) this.drop('unknown_mark');
    else this.onMarkEcho(name, claimId);
  }

  /** Only the bridge that sent a mark hears its echo; a previous bridge's echoes end here. */
  private onMarkEcho(name: string, claimId: string): void {
    if (this.state === 'streaming' && this.live?.claimId === claimId) this.relay?.fromTwilioMark(name);
  }

  private begin(message: TwilioStartMessage): void {
    this.state = 'starting';
    this.accept(message).catch((error: unknown) => {
      this.log.error({ err: error }, 'could not start the media stream');
      this.reject('error', CLOSE_INTERNAL_ERROR);
    });
  }

  /** Only a `start` that passes every check tells a bridge the stream is up. */
  private async accept(message: TwilioStartMessage): Promise<void> {
    const { ctx } = this;
    const checked = await checkStart(ctx, message);
    if (checked.grant) {
      const { callSid, claimId } = checked.grant;
      this.log = ctx.logger.child({ component: 'stream', callSid, claimId });
    }
    if (!checked.ok) return this.reject(checked.refusal);
    const { grant, call, at } = checked;
    if (this.state === 'closed') {
      // Twilio hung up while we checked: the bridge pre-warmed for nothing and must let go.
      releaseClaim(ctx, claimOf(grant.callSid, grant.claimId), 'stream_closed');
      return;
    }

    const held = ctx.liveCalls.get(grant.callSid);
    if (held && held.claimId !== grant.claimId) releaseClaim(ctx, held, 'claim_superseded');
    this.call = call;
    this.streamSid = message.streamSid;
    this.live = ctx.liveCalls.attachStream(grant, {
      end: (reason, closeCode) => this.finish(reason, closeCode, reason),
    });
    this.connectBridge(this.live);
    clearTimeout(this.startTimer);
    this.stream('streaming');
    ctx.metrics.streams.inc({ outcome: 'accepted' });
    ctx.events.publish(
      gatewayEvents.streamStarted(at, {
        callSid: grant.callSid,
        streamSid: this.streamSid,
        claimId: grant.claimId,
        bridgeId: grant.bridgeId,
        resumed: false,
      }),
    );
    this.log.info({ streamSid: this.streamSid, bridgeId: grant.bridgeId }, 'media stream started');
    const backlog = this.backlog;
    this.backlog = [];
    for (const queued of backlog) this.dispatch(queued);
  }

  /** Relays to the live call's bridge (which hears `start`) and watches that it stays alive. */
  private connectBridge(live: LiveCall): void {
    const relay = startRelay({
      ctx: this.ctx,
      live,
      streamSid: this.streamSid,
      socket: this.socket,
      cork: this.cork,
      log: this.log,
      marks: this.marks,
      onDrop: (reason) => this.drop(reason),
      onBridgeReleased: (reason) => this.guarded(() => this.onBridgeReleased(reason)),
    });
    this.relay = relay;
    this.unwatch = this.ctx.watchdog.watch({
      callSid: live.callSid,
      subjects: live.subjects,
      lastHeardAt: () => relay.lastHeardAt,
      onLost: (reason) => this.guarded(() => this.onBridgeLost(reason)),
    });
  }

  private onBridgeLost(reason: BridgeLossReason): void {
    this.log.warn({ reason, bridgeId: this.live?.bridgeId }, 'media bridge lost under a live call');
    this.moveBridge('bridge_lost');
  }

  private onBridgeReleased(reason: ReleaseReason): void {
    if (reason === 'draining') {
      this.moveBridge('bridge_draining');
      return;
    }
    void this.endWithApology('session_failed', 'bridge_released');
  }

  /** Stops relaying to the current bridge and claims another; the caller stays on the line. */
  private moveBridge(reason: MoveReason): void {
    const live = this.live;
    const call = this.call;
    if (this.state !== 'streaming' || !live || !call) return;
    this.stream('moving');
    this.detachBridge('claim_superseded');
    const moves = this.moves++;
    void claimAnotherBridge(this.ctx, {
      live,
      call,
      streamSid: this.streamSid,
      reason,
      previousMoves: moves,
      log: this.log,
    })
      .then((claim) => {
        if (this.state !== 'moving') {
          // Twilio ended the stream meanwhile: the new bridge must let go too.
          if (claim) releaseClaim(this.ctx, claimOf(live.callSid, claim.claimId), 'stream_closed');
          return;
        }
        if (!claim) return this.endWithApology('bridge_failed', 'no_bridge');
        this.resumeOn(live, claim.claimId, claim.bridgeId);
      })
      .catch((error: unknown) => {
        this.log.error({ err: error }, 'moving the call to another bridge failed');
        return this.endWithApology('bridge_failed', 'move_failed');
      });
  }

  private resumeOn(previous: LiveCall, claimId: string, bridgeId: string): void {
    const moved = this.ctx.liveCalls.moveClaim(previous.claimId, {
      callSid: previous.callSid,
      claimId,
      bridgeId,
    });
    if (!moved) {
      // The call is no longer held here (a drain let it go meanwhile): nothing to resume.
      releaseClaim(this.ctx, claimOf(previous.callSid, claimId), 'stream_closed');
      this.finish('stream_closed', CLOSE_NORMAL, 'call_not_held');
      return;
    }
    this.live = moved;
    this.log = this.ctx.logger.child({ component: 'stream', callSid: moved.callSid, claimId });
    this.connectBridge(moved);
    this.stream('streaming');
    this.ctx.events.publish(
      gatewayEvents.streamResumed(new Date(this.ctx.now()), {
        callSid: moved.callSid,
        streamSid: this.streamSid,
        claimId,
        bridgeId,
      }),
    );
    this.log.info({ bridgeId, previousClaimId: previous.claimId }, 'live call moved to another bridge');
    for (const message of this.held.take()) this.relay?.fromTwilio(message);
  }

  /**
   * The call cannot go on: the reason is published (`call.end_requested`), then the stream
   * closes, so the fallback TwiML apologises and hangs up (Twilio's `completed` follows).
   */
  private endWithApology(reason: CallEndReason, detail: string): void {
    this.unwatch?.();
    this.unwatch = undefined;
    const callSid = this.live?.callSid;
    if (callSid) this.ctx.endRequests.request(callSid, reason);
    this.finish('stream_closed', CLOSE_NORMAL, detail);
  }

  private detachBridge(reason: BridgeStopReason): void {
    this.unwatch?.();
    this.unwatch = undefined;
    this.relay?.stop(reason);
    this.relay = undefined;
  }

  /** Refuses the stream before any audio reached a bridge. */
  private reject(outcome: string, code = CLOSE_POLICY_VIOLATION): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.backlog = [];
    clearTimeout(this.startTimer);
    this.ctx.metrics.streams.inc({ outcome });
    this.log.warn({ outcome }, 'media stream refused');
    this.closeSocket(code, outcome);
  }

  /** Ends a stream (any state): the bridge hears why, the event is published, the socket closes. */
  private finish(reason: BridgeStopReason, closeCode: number | undefined, detail: string): void {
    if (this.state === 'closed') return;
    const wasLive = this.state === 'streaming' || this.state === 'moving';
    this.state = 'closed';
    this.backlog = [];
    this.held.take();
    clearTimeout(this.startTimer);
    if (wasLive && this.live) {
      const heard = this.relay?.lastHeardAt;
      this.detachBridge(reason);
      this.ctx.liveCalls.remove(this.live.callSid, this.live.claimId);
      this.ctx.events.publish(
        gatewayEvents.streamEnded(new Date(this.ctx.now()), {
          callSid: this.live.callSid,
          streamSid: this.streamSid,
          reason: detail,
        }),
      );
      this.log.info(
        {
          reason,
          detail,
          sinceBridgeHeardMs: heard === undefined ? undefined : this.ctx.now() - heard,
        },
        'media stream ended',
      );
    }
    if (closeCode !== undefined) this.closeSocket(closeCode, detail);
  }

  private stopReason(): BridgeStopReason {
    return this.live?.stopReason ?? 'stream_closed';
  }

  /**
   * Enters a live state. Only while `streaming` do media frames take the fast path straight to
   * the relay; while `moving` they go through the full parser and are held for the next bridge.
   */
  private stream(state: 'streaming' | 'moving'): void {
    this.state = state;
    this.intake.setStream(this.streamSid, state === 'streaming', this.log);
  }

  private drop(reason: DropReason): void {
    this.intake.drop(reason);
  }

  private onSocketError(error: Error & { code?: string }): void {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      // `ws` has already closed the socket with 1009; the close handler ends the stream.
      this.ctx.metrics.framesDropped.inc({ reason: 'oversized' });
      this.log.warn({ maxFrameBytes: this.ctx.config.MAX_FRAME_BYTES }, 'frame too large, stream closed');
      return;
    }
    this.log.warn({ err: error }, 'media stream socket error');
  }

  private closeSocket(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }
}
