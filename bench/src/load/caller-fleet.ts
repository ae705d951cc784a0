import {
  type FakeTwilioRestApi,
  mulawTone,
  type PlaceCallOptions,
  placeCall,
  type ReceivedMessage,
  type SimulatedCall,
} from '@voice/testkit/twilio';
import { monotonicMs, performanceToMonotonic } from '../clock.js';
import { readMarkerFromBase64, writeMarker } from '../frames/marker.js';
import { ArrivalTally, SendTally } from '../stats/frame-tally.js';
import { summarise } from '../stats/summary.js';
import type { FramePacer } from '../traffic/frame-pacer.js';
import { seededRandom } from '../traffic/phase-schedule.js';
import type { TrafficShape } from '../traffic/shape.js';
import type { CallersReport, CallerTarget } from './ipc.js';
import { LoopLagWindow } from './loop-lag.js';
import { callStartMs, type LevelSchedule } from './schedule.js';
import { sleep, sleepUntil, within } from './timing.js';

/** A loud utterance: the fake model's VAD hears speech after 40 ms of it. */
const BARGE_IN_SPEECH_MS = 300;
/** Webhook + stream set-up may take this long before the call counts as failed. */
const SETUP_TIMEOUT_MS = 15_000;
const HANG_UP_TIMEOUT_MS = 10_000;
/** After the hang-ups, before reporting: the last messages land. */
const REPORT_DRAIN_MS = 500;
/** Stream keys are 16 bits in the frame marker. */
const KEY_LIMIT = 1 << 16;

interface CallState {
  key: number;
  webhookAtMs: number;
  firstMediaAtMs?: number;
  bargedAtMs?: number;
  clearAtMs?: number;
  call?: SimulatedCall;
  failure?: string;
}

/**
 * The simulated callers of one load process: places a level's calls through the testkit's
 * Twilio simulator at the scheduled pace, stamps a marker into every caller frame, reads the
 * marker of every agent frame as it arrives, barges in once per call, and hangs up.
 */
export class CallerFleet {
  private readonly sent = new SendTally();
  private readonly arrivals = new ArrivalTally();
  private readonly lag = new LoopLagWindow();
  private readonly toMonotonic = performanceToMonotonic();
  private readonly bargeUtterance = mulawTone(BARGE_IN_SPEECH_MS);

  /** Whether this level's caller frames are held for their phase (then the pacer counts them as they leave). */
  private paced = false;

  constructor(
    private readonly restApi: FakeTwilioRestApi,
    private readonly pacer: FramePacer,
  ) {}

  async runLevel(
    target: CallerTarget,
    schedule: LevelSchedule,
    keyBase: number,
    traffic: TrafficShape,
  ): Promise<CallersReport> {
    this.sent.reset(schedule.window);
    this.arrivals.reset(schedule.window);
    this.lag.arm(schedule.window);
    this.paceFrames(schedule, keyBase, traffic);
    const states: CallState[] = [];
    const placing: Array<Promise<void>> = [];
    for (let i = 0; i < schedule.calls; i++) {
      await sleepUntil(callStartMs(schedule, i));
      const state: CallState = { key: (keyBase + i) % KEY_LIMIT, webhookAtMs: monotonicMs() };
      states.push(state);
      placing.push(this.place(state, target));
    }
    for (const [i, state] of states.entries()) {
      await sleepUntil(schedule.bargeAtMs + i * schedule.bargeStepMs);
      this.bargeIn(state);
    }
    await sleepUntil(schedule.hangUpAtMs);
    await Promise.all(placing);
    await Promise.all(states.map((state) => this.hangUp(state)));
    await sleep(REPORT_DRAIN_MS);
    return this.report(states, schedule);
  }

  /** Bunched traffic: the frames leave in the shape's phases, with jitter seeded by the level's first key. */
  private paceFrames(schedule: LevelSchedule, keyBase: number, traffic: TrafficShape): void {
    this.paced = traffic.phases !== null;
    this.pacer.pace(
      traffic.phases === null
        ? undefined
        : {
            plan: { originMs: schedule.startAtMs, phases: traffic.phases, jitterMs: traffic.jitterMs },
            random: seededRandom(keyBase + 1),
            onSent: (stream, sentAtMs) => this.sent.record(stream, sentAtMs),
          },
    );
  }

  private async place(state: CallState, target: CallerTarget): Promise<void> {
    const dialling = placeCall(this.callOptions(state, target));
    const outcome = await within(
      dialling.then(
        (call) => ({ call }),
        (error: unknown) => ({ error }),
      ),
      SETUP_TIMEOUT_MS,
      () => undefined,
    );
    if (outcome === undefined) {
      state.failure = 'setup_timeout';
      // A call that connects after all is not part of the level: let it go.
      void dialling.then((call) => call.hangup()).catch(() => undefined);
      return;
    }
    if ('error' in outcome) {
      state.failure = 'webhook_error';
      return;
    }
    const { call } = outcome;
    state.call = call;
    if (call.webhook.status !== 200) state.failure = `webhook_${call.webhook.status}`;
    else if (!call.stream) state.failure = call.streamError ? 'stream_refused' : 'refused';
  }

  private callOptions(state: CallState, target: CallerTarget): PlaceCallOptions {
    return {
      gatewayUrl: target.gatewayUrl,
      publicBaseUrl: target.publicBaseUrl,
      accountSid: target.accountSid,
      authToken: target.authToken,
      from: target.from,
      to: target.to,
      restApi: this.restApi,
      statusCallbackPath: target.statusCallbackPath,
      streamHooks: {
        recordMedia: false,
        onOutgoingFrame: (frame, chunk) => {
          const sentAtMs = monotonicMs();
          writeMarker(frame, { stream: state.key, seq: chunk, sentAtMs });
          if (!this.paced) this.sent.record(state.key, sentAtMs);
        },
        onMessage: (message, receivedAt) => this.onMessage(state, message, receivedAt),
      },
    };
  }

  private onMessage(state: CallState, message: ReceivedMessage['message'], receivedAt: number): void {
    if (message.event === 'media') {
      const arrivedAtMs = this.toMonotonic(receivedAt);
      state.firstMediaAtMs ??= arrivedAtMs;
      const payload = (message.media as { payload?: unknown } | undefined)?.payload;
      const marker = typeof payload === 'string' ? readMarkerFromBase64(payload) : undefined;
      if (marker) this.arrivals.record(marker.stream, marker.seq, marker.sentAtMs, arrivedAtMs);
      else this.arrivals.recordUnmarked();
    } else if (message.event === 'clear' && state.bargedAtMs !== undefined) {
      state.clearAtMs ??= this.toMonotonic(receivedAt);
    }
  }

  private bargeIn(state: CallState): void {
    const stream = state.call?.stream;
    if (!stream?.isOpen) return;
    state.bargedAtMs = monotonicMs();
    void stream.say(this.bargeUtterance);
  }

  private async hangUp(state: CallState): Promise<void> {
    const call = state.call;
    if (!call || call.isEnded) return;
    const ended = await within(
      call.hangup().then(
        () => true,
        () => false,
      ),
      HANG_UP_TIMEOUT_MS,
      () => false,
    );
    if (!ended) state.failure ??= 'hangup_failed';
  }

  private report(states: CallState[], schedule: LevelSchedule): CallersReport {
    const failures: Record<string, number> = {};
    const setupMs: number[] = [];
    const clears: Array<[number, number]> = [];
    for (const state of states) {
      const greeted = state.firstMediaAtMs !== undefined && state.firstMediaAtMs <= schedule.window.fromMs;
      if (greeted) setupMs.push((state.firstMediaAtMs as number) - state.webhookAtMs);
      const failure = state.failure ?? (greeted ? undefined : 'no_greeting_before_window');
      if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
      if (state.clearAtMs !== undefined) clears.push([state.key, state.clearAtMs]);
    }
    return {
      placed: states.length,
      connected: setupMs.length,
      failures,
      setup: summarise(setupMs),
      sent: this.sent.report(),
      arrivals: this.arrivals.report(),
      clears,
      bargeIns: states.filter((s) => s.bargedAtMs !== undefined).length,
      loopLag: this.lag.lag,
    };
  }
}
