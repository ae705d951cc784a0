import type {
  ClientEvent,
  FakeRealtimeHooks,
  FakeRealtimeSession,
  SentServerEvent,
} from '@voice/testkit/openai';
import { monotonicMs, performanceToMonotonic } from '../clock.js';
import { readMarkerFromBase64, writeMarker } from '../frames/marker.js';
import { ArrivalTally, SendTally, type Window } from '../stats/frame-tally.js';
import { SampleBuffer, summarise } from '../stats/summary.js';
import type { ModelReport } from './ipc.js';
import { LoopLagWindow } from './loop-lag.js';

/** Stream keys are 16 bits in the frame marker. */
const KEY_LIMIT = 1 << 16;

interface SessionState {
  /** This session's key in the markers of the audio it sends. */
  key: number;
  seq: number;
  /** The call it serves, learned from the marker of the first caller frame. */
  callKey?: number;
}

/**
 * The fake model's instruments, as testkit hooks: reads the marker of every caller frame as
 * it arrives, stamps one into every 20 ms agent frame as it leaves, and times barge-ins (when
 * `speech_started` went out) and tool round trips (function call out → its output back).
 */
export class ModelObserver {
  private readonly arrivals = new ArrivalTally();
  private readonly sent = new SendTally();
  private readonly lag = new LoopLagWindow();
  private readonly toMonotonic = performanceToMonotonic();
  private readonly sessions = new WeakMap<FakeRealtimeSession, SessionState>();
  private readonly toolCalls = new Map<string, number>();
  private readonly toolLatencies = new SampleBuffer();
  private speechStarted = new Map<number, number>();
  private nextKey = 0;

  readonly hooks: FakeRealtimeHooks = {
    recordAudio: false,
    onClientEvent: (session, event, receivedAt) => this.onClientEvent(session, event, receivedAt),
    onServerEvent: (session, event, sentAt) => this.onServerEvent(session, event, sentAt),
    outputAudio: (session, chunk) => this.stamp(session, chunk),
  };

  /** Starts a level: counts frames sent inside `window`; forgets the previous level. */
  arm(window: Window): void {
    this.arrivals.reset(window);
    this.sent.reset(window);
    this.lag.arm(window);
    this.toolCalls.clear();
    this.toolLatencies.clear();
    this.speechStarted = new Map();
  }

  report(liveSessions: number): ModelReport {
    return {
      arrivals: this.arrivals.report(),
      sent: this.sent.report(),
      speechStarted: [...this.speechStarted],
      tool: summarise(this.toolLatencies.view()),
      toolUnanswered: this.toolCalls.size,
      liveSessions,
      loopLag: this.lag.lag,
    };
  }

  private state(session: FakeRealtimeSession): SessionState {
    let state = this.sessions.get(session);
    if (!state) {
      state = { key: this.nextKey++ % KEY_LIMIT, seq: 0 };
      this.sessions.set(session, state);
    }
    return state;
  }

  private onClientEvent(session: FakeRealtimeSession, event: ClientEvent, receivedAt: number): void {
    if (event.type === 'input_audio_buffer.append') {
      const marker = readMarkerFromBase64(event.audio);
      if (!marker) {
        this.arrivals.recordUnmarked();
        return;
      }
      this.arrivals.record(marker.stream, marker.seq, marker.sentAtMs, this.toMonotonic(receivedAt));
      this.state(session).callKey ??= marker.stream;
      return;
    }
    if (event.type === 'conversation.item.create' && event.item.type === 'function_call_output') {
      const callId = String(event.item.call_id);
      const calledAt = this.toolCalls.get(callId);
      if (calledAt === undefined) return;
      this.toolCalls.delete(callId);
      this.toolLatencies.push(this.toMonotonic(receivedAt) - calledAt);
    }
  }

  private onServerEvent(session: FakeRealtimeSession, event: SentServerEvent['event'], sentAt: number): void {
    if (event.type === 'input_audio_buffer.speech_started') {
      const callKey = this.state(session).callKey;
      if (callKey !== undefined && !this.speechStarted.has(callKey)) {
        this.speechStarted.set(callKey, this.toMonotonic(sentAt));
      }
    } else if (event.type === 'response.function_call_arguments.done') {
      this.toolCalls.set(String(event.call_id), this.toMonotonic(sentAt));
    }
  }

  private stamp(session: FakeRealtimeSession, chunk: Buffer): Buffer {
    const state = this.state(session);
    const sentAtMs = monotonicMs();
    writeMarker(chunk, { stream: state.key, seq: state.seq++, sentAtMs });
    this.sent.record(state.key, sentAtMs);
    return chunk;
  }
}
