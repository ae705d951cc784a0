import type { NatsConnection } from '@nats-io/nats-core';
import { type CallClaimRequest, type MediaInControl, mediaSubjects } from '@voice/shared/contracts';
import { type AgentProfile, checkRealtimeProfile } from '@voice/shared/db';
import type { Logger } from '@voice/shared/logging';
import type { JetStreamOutbox } from '@voice/shared/nats';
import { CallEvents } from '../events/call-events.js';
import type { CallHistorySource } from '../history/call-history.js';
import { type MediaLink, openMediaLink } from '../media/media-link.js';
import type { BridgeMetrics } from '../metrics.js';
import { ModelLink, type ReplaceReason } from '../model/model-link.js';
import type { ServerEvent } from '../model/server-events.js';
import { greetingResponse, purposeResponse, serverInterruptsResponses } from '../model/session-config.js';
import { SessionConfigRejected, type SessionRefusal } from '../model/session-handshake.js';
import type { RealtimeTransportFactory } from '../model/transport.js';
import { Escalations } from '../tools/escalation.js';
import type { ToolSource } from '../tools/tool-catalog.js';
import { type ToolInvoker, ToolLoop } from '../tools/tool-loop.js';
import { AgentSpeech } from './agent-speech.js';
import { DtmfCollector } from './dtmf-collector.js';
import { EndCallController } from './end-call.js';
import { createModelEventRouter } from './model-events.js';
import { PlaybackTracker } from './playback-tracker.js';
import { ResponseGate } from './response-gate.js';
import { planResume, restoreHistory } from './resume.js';
import { SessionOffer } from './session-offer.js';
import { SystemInput } from './system-input.js';
import { Transcript } from './transcript.js';

/** Per-call timings, from the bridge's configuration. */
export interface SessionSettings {
  streamStartTimeoutMs: number;
  modelConnectTimeoutMs: number;
  modelSessionMaxMs: number;
  modelConnectAttempts: number;
  dtmfCollectMs: number;
}

export interface CallSessionDeps {
  claim: CallClaimRequest;
  profile: AgentProfile;
  bridgeId: string;
  nc: NatsConnection;
  outbox: JetStreamOutbox;
  /** Already bound to the call (call SID on every line). */
  logger: Logger;
  metrics: BridgeMetrics;
  openTransport: RealtimeTransportFactory;
  invoker: ToolInvoker;
  /** The worker tools serving: the bridge's recent list, and discovery. */
  tools: ToolSource;
  /** The call's events so far: what a call taken over from another bridge restores. */
  history: CallHistorySource;
  settings: SessionSettings;
  onEnded(session: CallSession, reason: string): void;
}

type SessionFailure = 'invalid_profile' | 'session_config_rejected' | 'model_unreachable' | 'model_lost';

/** After asking the gateway to hang up, end the session even if its `stop` never comes. */
const HANGUP_CONFIRM_MS = 10_000;
/** Longest wait, when handing a call over, for this session's events to be stored (ms). */
const HAND_OVER_FLUSH_MS = 1_000;

/**
 * One call: the gateway's media on NATS on one side, one model session (replaced when needed)
 * on the other. Pre-warms the model while the stream is set up, greets on `start`, and wires
 * audio, barge-in, tools, hand-off, keypad input and wrap-up together.
 */
export class CallSession {
  readonly callSid: string;
  readonly claimId: string;
  private readonly log: Logger;
  private readonly tracker = new PlaybackTracker();
  private readonly transcript = new Transcript();
  private readonly events: CallEvents;
  private readonly gate: ResponseGate;
  private readonly link: ModelLink;
  private readonly speech: AgentSpeech;
  private readonly tools: ToolLoop;
  private readonly escalations: Escalations;
  private readonly endCall: EndCallController;
  private readonly dtmf: DtmfCollector;
  private readonly input: SystemInput;
  private readonly onModelEvent: (event: ServerEvent) => void;
  private media: MediaLink | undefined;
  private readonly offer: SessionOffer;
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  /** Why the call cannot be served, kept until the stream starts: the gateway listens from then. */
  private failure: { reason: SessionFailure; refusal?: SessionRefusal } | undefined;
  private greeted = false;
  private callerSpeaking = false;
  /** The caller spoke and no response has started since. */
  private callerAwaitsAnswer = false;
  private ended = false;
  private handingBack = false;
  private replacements = 0;

  constructor(private readonly deps: CallSessionDeps) {
    const { claim, profile } = deps;
    this.callSid = claim.callSid;
    this.claimId = claim.claimId;
    this.log = deps.logger;
    this.events = new CallEvents(
      deps.outbox,
      claim.callSid,
      this.log,
      claim.resume ? `${claim.claimId}.` : '',
    );
    this.offer = new SessionOffer(profile, deps.tools);
    this.gate = new ResponseGate((params, eventId) =>
      this.link.send({ type: 'response.create', event_id: eventId, response: params }),
    );
    this.input = new SystemInput({
      transcript: this.transcript,
      gate: this.gate,
      send: (event) => this.link.send(event),
    });
    this.link = new ModelLink(
      {
        openTransport: deps.openTransport,
        logger: this.log,
        metrics: deps.metrics,
        connectTimeoutMs: deps.settings.modelConnectTimeoutMs,
        maxSessionMs: deps.settings.modelSessionMaxMs,
        attempts: deps.settings.modelConnectAttempts,
      },
      {
        onEvent: (event) => {
          this.onModelEvent(event);
          this.escalations.onModelEvent(event);
        },
        onAudioDelta: (delta) => this.speech.onAudioDelta(delta),
        sessionConfig: () => this.offer.config,
        replayItems: () => this.transcript.replayItems(),
        onReplaced: (reason, gapMs) => this.onReplaced(reason, gapMs),
        onLost: () => this.fail('model_lost'),
        isQuiet: () => this.isQuiet(),
      },
    );
    this.endCall = new EndCallController({
      playbackIdle: () => this.tracker.idle,
      hangUp: () => this.hangUp('agent_ended'),
    });
    this.speech = new AgentSpeech({
      media: {
        sendAudio: (p) => this.media?.sendAudio(p),
        sendControl: (c) => this.media?.sendControl(c),
      },
      tracker: this.tracker,
      transcript: this.transcript,
      gate: this.gate,
      events: this.events,
      metrics: deps.metrics,
      logger: this.log,
      send: (event) => this.link.send(event),
      generation: () => this.link.generation,
      serverInterrupts: () => serverInterruptsResponses(this.offer.config),
      claimRequestedAt: Date.parse(claim.requestedAt),
      onPlayback: () => {
        this.endCall.onPlayback();
        this.escalations.onPlayback();
      },
    });
    this.escalations = new Escalations({
      nc: deps.nc,
      outbox: deps.outbox,
      callSid: claim.callSid,
      agentId: claim.agentId,
      caller: claim.from,
      transcript: this.transcript,
      logger: this.log,
      playbackIdle: () => this.tracker.idle,
      onUpdate: (status) => this.input.escalationUpdate(status),
    });
    this.tools = new ToolLoop({
      context: { callSid: claim.callSid, from: claim.from, to: claim.to, agentId: claim.agentId },
      offered: () => this.offer.workerTools,
      systemOffered: this.offer.systemTools,
      invoker: deps.invoker,
      system: {
        escalate: (callId, args) => this.escalations.request(callId, args),
        endCall: (_callId, args) => this.endCall.toolCall(args),
      },
      sendOutput: (callId, output) =>
        this.link.send({
          type: 'conversation.item.create',
          item: { type: 'function_call_output', call_id: callId, output },
        }),
      transcript: this.transcript,
      gate: this.gate,
      events: this.events,
      metrics: deps.metrics,
      logger: this.log,
      fillerAfterMs: profile.toolFillerAfterMs,
      persona: profile.instructions,
      agentSilent: () => !this.gate.inFlight && this.tracker.idle,
    });
    this.dtmf = new DtmfCollector(deps.settings.dtmfCollectMs, (digits) => this.input.keypad(digits));
    this.onModelEvent = createModelEventRouter({
      speech: this.speech,
      gate: this.gate,
      tools: this.tools,
      endCall: this.endCall,
      transcript: this.transcript,
      events: this.events,
      metrics: deps.metrics,
      logger: this.log,
      callerSpeaking: (speaking) => {
        this.callerSpeaking = speaking;
        if (speaking) this.callerAwaitsAnswer = true;
      },
      responseStarted: () => {
        this.callerAwaitsAnswer = false;
      },
      retryTurn: () => this.gate.request(purposeResponse('retry')),
    });
  }

  /**
   * Subscribes to the claim's media subjects. Done before the claim is answered: a call taken
   * over from another bridge gets its `start` as soon as the gateway hears `accepted`.
   */
  listen(): void {
    if (this.media || this.ended) return;
    this.media = openMediaLink(
      this.deps.nc,
      mediaSubjects(this.callSid, this.claimId),
      {
        onAudio: (payload) => this.link.appendAudio(payload),
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
    const resumed = this.deps.claim.resume !== undefined;
    this.schedule(this.deps.settings.streamStartTimeoutMs, () => {
      if (!this.started) this.end('stream_start_timeout');
    });
    this.schedule(this.deps.profile.maxCallSeconds * 1_000, () => this.hangUp('call_limit'));
    const profile = checkRealtimeProfile(this.deps.profile);
    if (!profile.ok) {
      // Built from this profile, the session.update would be refused (and the line would hiss).
      this.deps.metrics.modelErrors.labels('invalid_profile').inc();
      this.log.error({ agentId: this.deps.claim.agentId, ...profile.problem }, 'agent profile refused');
      const { field, message } = profile.problem;
      this.fail('invalid_profile', { code: 'invalid_profile', param: field, message });
      return;
    }
    this.refreshTools();
    const history = resumed
      ? restoreHistory(this.deps.history, this.callSid, this.transcript, this.log)
      : undefined;
    try {
      await this.link.open(history, { replay: resumed });
    } catch (error) {
      this.log.error({ err: error }, 'model session could not be opened');
      if (error instanceof SessionConfigRejected) this.fail('session_config_rejected', error.refusal);
      else this.fail('model_unreachable');
      return;
    }
    if (this.ended) return;
    this.log.info({ tools: this.offer.toolNames }, 'model session ready');
    this.greetWhenReady();
  }

  heartbeat(): void {
    this.media?.sendControl({ type: 'heartbeat', sentAt: Date.now() });
  }

  /** Nobody is speaking and nothing is pending: a moment the caller would not notice a change. */
  isQuiet(): boolean {
    return (
      !this.callerSpeaking &&
      !this.gate.inFlight &&
      this.tracker.idle &&
      !this.tools.busy &&
      !this.endCall.requested
    );
  }

  /**
   * This bridge is shutting down: the gateway moves the call to another bridge. What was said
   * is published and stored first, so the next bridge finds the whole conversation.
   */
  async handBack(): Promise<void> {
    if (this.ended || this.handingBack) return;
    this.handingBack = true;
    if (!this.tracker.idle) {
      // Handed over mid-sentence (the drain deadline): what Twilio has not played is dropped, so
      // the record and the next bridge know exactly where the caller stopped hearing.
      this.media?.sendControl({ type: 'clear' });
      this.tracker.clear();
    }
    this.speech.finish();
    const left = await this.deps.outbox.flush(HAND_OVER_FLUSH_MS);
    if (left > 0) this.log.warn({ left }, 'handing the call over before every event was stored');
    if (this.ended) return;
    this.media?.sendControl({ type: 'release', reason: 'draining' });
    this.end('bridge_draining');
  }

  /** Ends the session: publishes what is pending, closes the model and the media subscription. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.dtmf.close();
    this.endCall.close();
    this.tools.close();
    this.gate.close();
    this.escalations.close();
    this.speech.finish();
    this.link.close();
    this.media?.close();
    this.log.info({ reason }, 'call session ended');
    this.deps.onEnded(this, reason);
  }

  /**
   * Corrects the tools offered with a discovery of this call's own. A session already open is
   * updated; one still opening is configured with the new offer when it is ready.
   */
  private refreshTools(): void {
    this.offer.refresh().then(
      (changed) => {
        if (!changed || this.ended) return;
        this.log.info({ tools: this.offer.toolNames }, 'tools offered');
        this.link.update(this.offer.config);
      },
      (error: unknown) => {
        this.log.warn({ err: error }, 'tool discovery failed; the call goes on with the tools it has');
      },
    );
  }

  private onControl(control: MediaInControl): void {
    switch (control.type) {
      case 'start':
        this.started = true;
        this.log.info({ streamSid: control.streamSid }, 'media stream started');
        if (this.failure) this.fail(this.failure.reason, this.failure.refusal);
        else this.greetWhenReady();
        return;
      case 'mark':
        this.speech.onMark(control.name);
        return;
      case 'dtmf':
        this.dtmf.push(control.digit);
        return;
      case 'stop':
        this.end(`stop_${control.reason}`);
        return;
      case 'heartbeat':
        return;
    }
  }

  private greetWhenReady(): void {
    if (!this.started || !this.link.ready || this.greeted || this.ended) return;
    this.greeted = true;
    const resume = this.deps.claim.resume;
    if (resume) {
      this.events.sessionRestored(resume.reason, this.deps.bridgeId, 0);
      const plan = planResume(resume.reason, this.transcript);
      if (plan.note) this.input.note(plan.note);
      if (plan.respond) this.gate.request(purposeResponse('resume'));
      return;
    }
    this.gate.request(greetingResponse(this.deps.profile.instructions, this.deps.profile.greeting));
  }

  private onReplaced(reason: ReplaceReason, gapMs: number): void {
    this.replacements++;
    // The old session's VAD state went with it; the new one starts from silence.
    this.callerSpeaking = false;
    const lostUnheard = this.speech.onSessionReplaced();
    this.gate.reset();
    this.tools.onSessionReplaced();
    this.events.sessionRestored(reason, this.deps.bridgeId, this.replacements);
    this.events.latency('session_restore', gapMs, this.events.counted(this.replacements));
    if (lostUnheard || this.callerAwaitsAnswer) this.input.answerAfterLoss();
    this.gate.pump();
    this.greetWhenReady();
  }

  private hangUp(reason: 'agent_ended' | 'call_limit'): void {
    if (this.ended) return;
    this.log.info({ reason }, 'asking the gateway to hang up');
    this.media?.sendControl({ type: 'hangup', reason });
    this.schedule(HANGUP_CONFIRM_MS, () => this.end('hangup_unconfirmed'));
  }

  /** The call cannot go on with a model: hand it back so the caller hears the gateway's apology. */
  private fail(reason: SessionFailure, refusal?: SessionRefusal): void {
    if (this.ended) return;
    if (!this.started) {
      this.failure ??= { reason, ...(refusal ? { refusal } : {}) };
      return;
    }
    this.events.sessionFailed({ reason, ...refusal });
    this.media?.sendControl({ type: 'release', reason: 'session_failed' });
    this.end(reason);
  }

  private schedule(ms: number, run: () => void): void {
    this.timers.push(setTimeout(run, ms));
  }
}
