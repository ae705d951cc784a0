import { WebSocket } from 'ws';
import { monotonicMs } from '../clock.js';
import { restampMediaMessage } from '../frames/restamp.js';
import { type PhasePlan, releaseAtMs } from './phase-schedule.js';

/** How the frames of one bunched level leave, and who is told when each did. */
export interface PacedLevel {
  plan: PhasePlan;
  random: () => number;
  /** A caller frame left its socket at `sentAtMs` (the time now in its marker). */
  onSent(stream: number, sentAtMs: number): void;
}

interface HeldFrame {
  order: number;
  text: string;
}

interface SocketState {
  phase: number;
  lastDueMs: number;
  held: HeldFrame[];
  nextOrder: number;
}

type Send = (this: WebSocket, data: unknown, ...rest: unknown[]) => void;

/** Twilio lays a media message out with `event` first (`TwilioMediaStream.send`). */
const MEDIA_PREFIX = '{"event":"media"';

/**
 * Bunches the caller frames of a level into a few phases per 20 ms. The testkit's Twilio
 * simulator sends each call's frames on a clock started when its stream opened, with no way to
 * choose the instant, so this takes over `send` of the `ws` sockets of the callers' process
 * (only Twilio streams live there) and holds each media message until its call's next phase
 * instant plus jitter. The marker is stamped again as the frame really leaves, so latency
 * never includes the hold. Everything else (`start`, mark echoes, `stop`) goes at once.
 */
export class FramePacer {
  private level: PacedLevel | undefined;
  private sockets = new WeakMap<WebSocket, SocketState>();
  private nextPhase = 0;

  private constructor(private readonly send: Send) {}

  /** Takes over `WebSocket.prototype.send` of this process; passes everything through until `pace`. */
  static install(): FramePacer {
    const original = WebSocket.prototype.send as unknown as Send;
    const pacer = new FramePacer(original);
    const replacement: Send = function (this: WebSocket, data, ...rest) {
      if (pacer.level && typeof data === 'string' && data.startsWith(MEDIA_PREFIX)) pacer.hold(this, data);
      else original.call(this, data, ...rest);
    };
    WebSocket.prototype.send = replacement as unknown as WebSocket['send'];
    return pacer;
  }

  /** Bunches the next level's frames this way, or (undefined) lets them leave as the simulator sends them. */
  pace(level: PacedLevel | undefined): void {
    this.level = level;
    this.sockets = new WeakMap();
    this.nextPhase = 0;
  }

  private hold(socket: WebSocket, text: string): void {
    const level = this.level as PacedLevel;
    let state = this.sockets.get(socket);
    if (!state) {
      state = { phase: this.nextPhase++, lastDueMs: 0, held: [], nextOrder: 0 };
      this.sockets.set(socket, state);
    }
    const nowMs = monotonicMs();
    // Never before the frame held ahead of it: jitter must not reorder one call's frames.
    const dueMs = Math.max(state.lastDueMs, releaseAtMs(nowMs, state.phase, level.plan, level.random));
    state.lastDueMs = dueMs;
    const frame = { order: state.nextOrder++, text };
    state.held.push(frame);
    const owner = state;
    // Node's timers count whole milliseconds: a rounded delay loses nothing and keeps the
    // timer lists (one per distinct delay) few at thousands of frames a second.
    setTimeout(() => this.release(socket, owner, frame.order, level), Math.round(dueMs - nowMs));
  }

  /** Sends the socket's held frames up to `order`, in order (a timer may fire a little out of turn). */
  private release(socket: WebSocket, state: SocketState, order: number, level: PacedLevel): void {
    while (state.held.length > 0 && (state.held[0] as HeldFrame).order <= order) {
      const frame = state.held.shift() as HeldFrame;
      if (socket.readyState !== WebSocket.OPEN) continue;
      const sentAtMs = monotonicMs();
      const restamped = restampMediaMessage(frame.text, sentAtMs);
      this.send.call(socket, restamped?.text ?? frame.text);
      if (restamped) level.onSent(restamped.marker.stream, sentAtMs);
    }
  }
}
