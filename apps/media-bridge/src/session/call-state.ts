import type { SessionRefusal } from '../model/session-handshake.js';
import type { SessionEndReason, SessionFailure } from './end-reasons.js';

/**
 * Where a call is in its life: the model pre-warms until the gateway's `start`, the agent
 * greets (or resumes) once both the stream and the model are ready, and the session ends once.
 */
export type CallPhase = 'prewarming' | 'started' | 'greeted' | 'ended';

/** Why the call cannot be served, kept until the stream starts: the gateway listens from then. */
export interface PendingFailure {
  reason: SessionFailure;
  refusal?: SessionRefusal;
}

/** Where out-of-order changes are told (the call's logger). */
export interface CallStateLog {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/**
 * The facts of one call, in one place. Each is written by one part of the call (see the
 * owners below) and read by the others; what follows from several (`quiet`, `agentSilent`)
 * is computed here only. Mechanisms stay with their owners (the response gate's queue, the
 * playback tracker's marks, the tool loop's batches, the end-call steps): each reports its
 * one fact here whenever it may have changed, so nothing polls them.
 *
 * | fact                    | written by                                            |
 * | ----------------------- | ----------------------------------------------------- |
 * | phase, end reason       | CallSession (`streamStarted`, `greet`, `end`)         |
 * | handingBack             | CallSession.handBack                                  |
 * | pending failure         | CallSession.fail (before `start`)                     |
 * | callerSpeaking, awaits  | the model-event router (VAD, `response.created`)      |
 * | callerStoppedAt         | the router (VAD); taken by AgentSpeech (turn latency) |
 * | responseInFlight        | ResponseGate                                          |
 * | agentPlaying            | PlaybackTracker                                       |
 * | toolsBusy               | ToolLoop                                              |
 * | endRequested            | EndCallController (`end_call`)                        |
 * | replacements            | CallSession (a model session was replaced)            |
 */
export class CallState {
  private current: CallPhase = 'prewarming';
  private reason: SessionEndReason | undefined;
  private handing = false;
  private failure: PendingFailure | undefined;
  private speaking = false;
  private awaitsAnswer = false;
  private stoppedAt: number | undefined;
  private responding = false;
  private playing = false;
  private toolsWorking = false;
  private ending = false;
  private replaced = 0;

  constructor(
    private readonly logger: CallStateLog,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get phase(): CallPhase {
    return this.current;
  }

  get ended(): boolean {
    return this.current === 'ended';
  }

  get endReason(): SessionEndReason | undefined {
    return this.reason;
  }

  /** Nobody is speaking and nothing is pending: a moment the caller would not notice a change. */
  get quiet(): boolean {
    return !this.speaking && !this.responding && !this.playing && !this.toolsWorking && !this.ending;
  }

  get callerSpeaking(): boolean {
    return this.speaking;
  }

  /** The caller spoke and no response has started since. */
  get callerAwaitsAnswer(): boolean {
    return this.awaitsAnswer;
  }

  /** Agent audio was forwarded and has not played yet (marks outstanding). */
  get agentPlaying(): boolean {
    return this.playing;
  }

  /** Nothing is being said or asked for. */
  get agentSilent(): boolean {
    return !this.responding && !this.playing;
  }

  get handingBack(): boolean {
    return this.handing;
  }

  get pendingFailure(): PendingFailure | undefined {
    return this.failure;
  }

  get replacements(): number {
    return this.replaced;
  }

  // Lifecycle (CallSession).

  /** The gateway's `start`: false (and logged) unless the call was pre-warming. */
  streamStarted(): boolean {
    return this.move('prewarming', 'started');
  }

  /** The agent spoke first (greeting or resume): false (and logged) unless the stream had started. */
  greet(): boolean {
    return this.move('started', 'greeted');
  }

  /** Ends the call once; false for every later end, whose reason is only logged. */
  end(reason: SessionEndReason): boolean {
    if (this.current === 'ended') {
      this.logger.debug({ reason, endedFor: this.reason }, 'call already ended');
      return false;
    }
    this.current = 'ended';
    this.reason = reason;
    return true;
  }

  /** Starts giving the call back; false when it already is, or the call is over. */
  beginHandBack(): boolean {
    if (this.handing || this.ended) return false;
    this.handing = true;
    return true;
  }

  /** Keeps the first failure until the stream starts. */
  deferFailure(failure: PendingFailure): void {
    this.failure ??= failure;
  }

  /** A model session was replaced: its VAD state went with it. Returns the replacements so far. */
  modelReplaced(): number {
    this.speaking = false;
    return ++this.replaced;
  }

  // The caller's voice (model events).

  callerStartedSpeaking(): void {
    this.speaking = true;
    this.awaitsAnswer = true;
    this.stoppedAt = undefined;
  }

  callerStoppedSpeaking(): void {
    this.speaking = false;
    this.stoppedAt = this.now();
  }

  /** A response started: the caller's last turn is being answered. */
  responseStarted(): void {
    this.awaitsAnswer = false;
  }

  /**
   * When the caller last stopped speaking, once per turn: the start of the turn latency,
   * taken when the answer's first audio goes out.
   */
  takeCallerStoppedAt(): number | undefined {
    const at = this.stoppedAt;
    this.stoppedAt = undefined;
    return at;
  }

  // Reports from the mechanisms that own a fact.

  reportResponseInFlight(inFlight: boolean): void {
    this.responding = inFlight;
  }

  reportAgentPlaying(playing: boolean): void {
    this.playing = playing;
  }

  reportToolsBusy(busy: boolean): void {
    this.toolsWorking = busy;
  }

  /** `end_call` was called: from now on the call only says goodbye. */
  reportEndRequested(): void {
    this.ending = true;
  }

  private move(from: CallPhase, to: CallPhase): boolean {
    if (this.current !== from) {
      this.logger.warn({ phase: this.current, to }, 'call state change out of order ignored');
      return false;
    }
    this.current = to;
    return true;
  }
}
