import { type MediaInControl, mediaSubjects } from '@voice/shared/contracts';
import { checkRealtimeProfile } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import { type CallMediaChannel, openCallMediaChannel } from '../media/call-media-channel.js';
import type { ReplaceReason } from '../model/model-link.js';
import { greetingResponse, purposeResponse } from '../model/session-config.js';
import { SessionConfigRejected, type SessionRefusal } from '../model/session-handshake.js';
import { askToHangUp } from './ask-hang-up.js';
import type { CallState } from './call-state.js';
import { type CallParts, wireCall } from './call-wiring.js';
import { endReasonForStop, type SessionEndReason, type SessionFailure } from './end-reasons.js';
import { planResume, restoreHistory } from './resume.js';
import type { CallSessionDeps } from './session-deps.js';

/** After asking the ingress to hang up, end the session even if its `stop` never comes. */
const HANGUP_CONFIRM_MS = 10_000;
/** Longest wait, when handing a call over, for this session's events to be stored (ms). */
const HAND_OVER_FLUSH_MS = 1_000;

/**
 * One call's life: the gateway's media on NATS on one side, one model session (replaced when
 * needed) on the other. Pre-warms the model while the stream is set up, greets on `start`,
 * and ends once, for one `SessionEndReason`. The collaborators are wired in `call-wiring.ts`;
 * the call's facts live in its `CallState`.
 */
export class CallSession {
  readonly callSid: string;
  readonly claimId: string;
  private readonly log: Logger;
  private readonly parts: CallParts;
  private readonly state: CallState;
  private media: CallMediaChannel | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: CallSessionDeps) {
    this.callSid = deps.claim.callSid;
    this.claimId = deps.claim.claimId;
    this.log = deps.logger;
    this.parts = wireCall(deps, {
      media: () => this.media,
      agentEnded: () => this.hangUp('agent_ended'),
      onReplaced: (reason, gapMs) => this.onReplaced(reason, gapMs),
      onModelLost: () => this.fail('model_lost'),
    });
    this.state = this.parts.state;
  }

  /**
   * Subscribes to the claim's media subjects. Done before the claim is answered: a call taken
   * over from another bridge gets its `start` as soon as the gateway hears `accepted`.
   */
  listen(): void {
    if (this.media || this.state.ended) return;
    this.media = openCallMediaChannel(
      this.deps.nc,
      this.deps.publisher,
      mediaSubjects(this.callSid, this.claimId),
      {
        onAudio: (payload) => this.parts.link.appendAudio(payload),
        onControl: (control) => this.onControl(control),
      },
      this.log,
    );
  }

  /**
   * Opens the model session before the caller is connected. A call taken over from another
   * bridge first gets back the conversation so far, which the new session is given. Tool
   * discovery runs alongside and is not waited for: its tools follow in a `session.update`.
   */
  async prewarm(): Promise<void> {
    this.listen();
    this.schedule(this.deps.settings.streamStartTimeoutMs, () => {
      if (this.state.phase === 'prewarming') this.end('stream_start_timeout');
    });
    this.schedule(this.deps.profile.maxCallSeconds * 1_000, () => this.hangUp('call_limit'));
    if (!this.profileAccepted()) return;
    this.refreshTools();
    const resumed = this.deps.claim.resume !== undefined;
    const history = resumed
      ? restoreHistory(this.deps.history, this.callSid, this.parts.transcript, this.log)
      : undefined;
    try {
      await this.parts.link.open(history, { replay: resumed });
    } catch (error) {
      this.log.error({ err: error }, 'model session could not be opened');
      if (error instanceof SessionConfigRejected) this.fail('session_config_rejected', error.refusal);
      else this.fail('model_unreachable');
      return;
    }
    if (this.state.ended) return;
    this.log.info({ tools: this.parts.offer.toolNames }, 'model session ready');
    this.greetWhenReady();
  }

  heartbeat(): void {
    this.media?.heartbeat();
  }

  /** Nobody is speaking and nothing is pending: a moment the caller would not notice a change. */
  isQuiet(): boolean {
    return this.state.quiet;
  }

  /**
   * This bridge is shutting down: the gateway moves the call to another bridge. What was said
   * is published and stored first, so the next bridge finds the whole conversation.
   */
  async handBack(): Promise<void> {
    if (!this.state.beginHandBack()) return;
    if (this.state.agentPlaying) {
      // Handed over mid-sentence (the drain deadline): what Twilio has not played is dropped, so
      // the record and the next bridge know exactly where the caller stopped hearing.
      this.media?.sendControl({ type: 'clear' });
      this.parts.tracker.clear();
    }
    this.parts.speech.finish();
    const left = await this.deps.outbox.flush(HAND_OVER_FLUSH_MS);
    if (left > 0) this.log.warn({ left }, 'handing the call over before every event was stored');
    if (this.state.ended) return;
    this.media?.sendControl({ type: 'release', reason: 'draining' });
    this.end('bridge_draining');
  }

  /** Ends the session: publishes what is pending, closes the model and the media subscription. */
  end(reason: SessionEndReason): void {
    if (!this.state.end(reason)) return;
    for (const timer of this.timers) clearTimeout(timer);
    const { dtmf, endCall, tools, gate, escalations, speech, link } = this.parts;
    dtmf.close();
    endCall.close();
    tools.close();
    gate.close();
    escalations.close();
    speech.finish();
    link.close();
    this.media?.close();
    this.deps.metrics.sessionsEnded.labels(reason).inc();
    this.log.info({ reason }, 'call session ended');
    this.deps.onEnded(this, reason);
  }

  /** A profile the API would refuse (the session.update would fail and the line would hiss) fails the call. */
  private profileAccepted(): boolean {
    const checked = checkRealtimeProfile(this.deps.profile);
    if (checked.ok) return true;
    this.deps.metrics.modelErrors.labels('invalid_profile').inc();
    this.log.error({ agentId: this.deps.claim.agentId, ...checked.problem }, 'agent profile refused');
    const { field, message } = checked.problem;
    this.fail('invalid_profile', { code: 'invalid_profile', param: field, message });
    return false;
  }

  /**
   * Corrects the tools offered with a discovery of this call's own. A session already open is
   * updated; one still opening is configured with the new offer when it is ready.
   */
  private refreshTools(): void {
    const { offer, link } = this.parts;
    offer.refresh().then(
      (changed) => {
        if (!changed || this.state.ended) return;
        this.log.info({ tools: offer.toolNames }, 'tools offered');
        link.update(offer.config);
      },
      (error: unknown) => {
        this.log.warn({ err: error }, 'tool discovery failed; the call goes on with the tools it has');
      },
    );
  }

  private onControl(control: MediaInControl): void {
    switch (control.type) {
      case 'start':
        if (!this.state.streamStarted()) return;
        this.log.info({ streamSid: control.streamSid }, 'media stream started');
        this.failOrGreet();
        return;
      case 'mark':
        this.parts.speech.onMark(control.name);
        return;
      case 'dtmf':
        this.parts.dtmf.push(control.digit);
        return;
      case 'stop':
        this.end(endReasonForStop(control.reason));
        return;
      case 'heartbeat':
        return;
    }
  }

  private failOrGreet(): void {
    const failure = this.state.pendingFailure;
    if (failure) this.fail(failure.reason, failure.refusal);
    else this.greetWhenReady();
  }

  private greetWhenReady(): void {
    if (this.state.phase !== 'started' || !this.parts.link.ready) return;
    this.state.greet();
    const { gate, events, input, transcript } = this.parts;
    const resume = this.deps.claim.resume;
    if (resume) {
      events.sessionRestored(resume.reason, this.deps.bridgeId, 0);
      const plan = planResume(resume.reason, transcript);
      if (plan.note) input.note(plan.note);
      if (plan.respond) gate.request(purposeResponse('resume'));
      return;
    }
    gate.request(greetingResponse(this.deps.profile.instructions, this.deps.profile.greeting));
  }

  private onReplaced(reason: ReplaceReason, gapMs: number): void {
    const replacements = this.state.modelReplaced();
    const { speech, gate, tools, events, input } = this.parts;
    const lostUnheard = speech.onSessionReplaced();
    gate.reset();
    tools.onSessionReplaced();
    events.sessionRestored(reason, this.deps.bridgeId, replacements);
    events.latency('session_restore', gapMs, events.counted(replacements));
    if (lostUnheard || this.state.callerAwaitsAnswer) input.answerAfterLoss();
    gate.pump();
    this.greetWhenReady();
  }

  /** Asks the ingress to hang up; the session ends on its `stop`, or after `HANGUP_CONFIRM_MS`. */
  private hangUp(reason: 'agent_ended' | 'call_limit'): void {
    if (this.state.ended) return;
    this.log.info({ reason }, 'asking the ingress to hang up');
    const { nc } = this.deps;
    const over = () => this.state.ended;
    void askToHangUp({ nc, callSid: this.callSid, reason, windowMs: HANGUP_CONFIRM_MS, log: this.log, over });
    this.schedule(HANGUP_CONFIRM_MS, () => this.end('hangup_unconfirmed'));
  }

  /** The call cannot go on with a model: hand it back so the caller hears the gateway's apology. */
  private fail(reason: SessionFailure, refusal?: SessionRefusal): void {
    if (this.state.ended) return;
    if (this.state.phase === 'prewarming') {
      this.state.deferFailure({ reason, ...(refusal ? { refusal } : {}) });
      return;
    }
    this.parts.events.sessionFailed({ reason, ...refusal });
    this.media?.sendControl({ type: 'release', reason: 'session_failed' });
    this.end(reason);
  }

  private schedule(ms: number, run: () => void): void {
    this.timers.push(setTimeout(run, ms));
  }
}
