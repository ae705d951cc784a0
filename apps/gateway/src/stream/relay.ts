import {
  isBase64Bytes,
  isPlainJsonText,
  type MediaOutControl,
  type TwilioInboundMessage,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { WebSocket } from 'ws';
import { gatewayEvents } from '../calls/call-events.js';
import type { BridgeStopReason, LiveCall } from '../calls/live-calls.js';
import type { MediaLink } from '../claims/media-bus.js';
import type { GatewayContext } from '../context.js';
import { hangUpCall } from '../control/hang-up.js';
import type { DropReason } from './frame-guard.js';
import type { MarkLedger } from './mark-ledger.js';

/** Frames to Twilio are text frames, whether they are built as strings or as bytes. */
const TEXT_FRAME = { binary: false } as const;

/**
 * The socket under a WebSocket (`net.Socket`): corked while one batch of bridge messages is
 * relayed, so a chunk of agent audio and the mark after it leave in one write, not two.
 */
export interface SocketCork {
  cork(): void;
  uncork(): void;
}

export interface RelayOptions {
  ctx: GatewayContext;
  live: LiveCall;
  streamSid: string;
  socket: WebSocket;
  cork: SocketCork;
  log: Logger;
  /** The stream's marks sent and not yet echoed (kept across bridges: echoes outlive a move). */
  marks: MarkLedger;
  /** Counts a dropped frame (the session's guard decides whether it was one too many). */
  onDrop(reason: DropReason): void;
  /**
   * The bridge gave the call back: `draining` (it is shutting down, the call moves on) or
   * `session_failed` (the model cannot be reached: the call ends with the fallback apology).
   */
  onBridgeReleased(reason: ReleaseReason): void;
}

/** Why a bridge hands a call back. */
export type ReleaseReason = Extract<MediaOutControl, { type: 'release' }>['reason'];

/** The media path of one streaming call, between Twilio's socket and the claim's bridge. */
export interface Relay {
  /** A validated `media` or `dtmf` message from Twilio, for this stream. */
  fromTwilio(message: Extract<TwilioInboundMessage, { event: 'media' | 'dtmf' }>): void;
  /** The validated base64 payload of a `media` message of this stream, as bytes (the fast path). */
  fromTwilioAudio(payload: Uint8Array): void;
  /** The echo of a mark this relay's bridge sent (settled in the ledger by the session). */
  fromTwilioMark(name: string): void;
  /** Tells the bridge the stream is over and stops listening to it. */
  stop(reason: BridgeStopReason): void;
  /** When the bridge last proved it is alive (epoch ms), if it has. */
  readonly lastHeartbeatAt: number | undefined;
}

/**
 * Opens the claim's media link and relays both ways. Caller audio goes to the bridge as the
 * base64 bytes Twilio sent; agent audio comes back the same way, is checked to be base64 and
 * framed for Twilio by concatenating bytes, never decoded or re-parsed. Only `media`, `mark`
 * and `clear` reach Twilio. Every mark sent is recorded in the stream's ledger with this
 * claim, so the session hands this bridge only the echoes of its own marks: after a move, the
 * echoes of the previous bridge's audio still playing mean nothing to the new one.
 */
export function startRelay(options: RelayOptions): Relay {
  const { ctx, live, streamSid, socket, cork, log, marks } = options;
  const { frames, frameCounts } = ctx.metrics;
  const mediaPrefix = Buffer.from(
    `{"event":"media","streamSid":"${streamSid}","media":{"payload":"`,
    'latin1',
  );
  const mediaSuffix = Buffer.from('"}}', 'latin1');
  const markPrefix = `{"event":"mark","streamSid":"${streamSid}","mark":{"name":"`;
  let lastHeartbeatAt: number | undefined;
  let warnedMarks = false;

  // Corked from the first frame of a batch of bridge messages (one NATS read) until the batch
  // has been handled: the microtask runs before anything else, so nothing waits for a timer.
  let corked = false;
  const uncork = () => {
    corked = false;
    cork.uncork();
  };
  const sendToTwilio = (frame: string | Buffer): boolean => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (!corked) {
      corked = true;
      cork.cork();
      queueMicrotask(uncork);
    }
    socket.send(frame, TEXT_FRAME);
    return true;
  };

  const onControl = (control: MediaOutControl) => {
    switch (control.type) {
      case 'mark': {
        const { name } = control;
        if (socket.readyState !== WebSocket.OPEN) return;
        if (!marks.sent(name, live.claimId)) {
          if (!warnedMarks) log.warn({ pending: marks.size }, 'too many marks pending; marks not sent');
          warnedMarks = true;
          return;
        }
        const frame = isPlainJsonText(name)
          ? `${markPrefix}${name}"}}`
          : JSON.stringify({ event: 'mark', streamSid, mark: { name } });
        sendToTwilio(frame);
        frameCounts.outMark++;
        return;
      }
      case 'clear':
        if (sendToTwilio(JSON.stringify({ event: 'clear', streamSid }))) {
          frames.inc({ direction: 'out', kind: 'clear' });
        }
        return;
      case 'hangup':
        void hangUpCall(ctx, live, control.reason);
        return;
      case 'heartbeat':
        lastHeartbeatAt = ctx.now();
        return;
      case 'release':
        log.warn({ reason: control.reason }, 'bridge released the call');
        options.onBridgeReleased(control.reason);
        return;
    }
  };

  const link: MediaLink = ctx.bus.link(live.subjects, {
    onAudio(payload) {
      // Base64 as Twilio accepts it: a bad payload must not break the JSON around it.
      if (!isBase64Bytes(payload)) {
        options.onDrop('bad_bridge_audio');
        return;
      }
      const frame = Buffer.allocUnsafe(mediaPrefix.length + payload.length + mediaSuffix.length);
      mediaPrefix.copy(frame, 0);
      frame.set(payload, mediaPrefix.length);
      mediaSuffix.copy(frame, mediaPrefix.length + payload.length);
      if (sendToTwilio(frame)) frameCounts.outMedia++;
    },
    onControl,
    onInvalid(detail) {
      log.warn({ detail }, 'dropped a bridge control that does not match the contract');
      options.onDrop('bad_bridge_control');
    },
  });
  link.sendControl({ type: 'start', streamSid });

  return {
    fromTwilioAudio(payload) {
      link.sendAudio(payload);
    },
    fromTwilioMark(name) {
      link.sendControl({ type: 'mark', name });
    },
    fromTwilio(message) {
      switch (message.event) {
        case 'media':
          link.sendAudio(message.media.payload);
          return;
        case 'dtmf':
          link.sendControl({ type: 'dtmf', digit: message.dtmf.digit });
          ctx.events.publish(
            gatewayEvents.dtmf(new Date(ctx.now()), streamSid, message.sequenceNumber ?? String(ctx.now()), {
              callSid: live.callSid,
              digit: message.dtmf.digit,
            }),
          );
          return;
      }
    },
    stop(reason) {
      link.sendControl({ type: 'stop', reason });
      link.close();
    },
    get lastHeartbeatAt() {
      return lastHeartbeatAt;
    },
  };
}
