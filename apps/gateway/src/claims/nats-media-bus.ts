import { RequestError, TimeoutError } from '@nats-io/nats-core';
import {
  type CallClaimRequest,
  callClaimReplySchema,
  callClaimRequestSchema,
  decodeJson,
  decodeMediaOutControl,
  encodeJson,
  encodeMediaInControl,
  type MediaInControl,
  type MediaSubjects,
  mediaInControlSchema,
  subjects,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { NatsConnection, TurnPublisher } from '@voice/shared/nats';
import type { BridgeHandlers, BridgeLink, ClaimAnswer, MediaBus, ProbeResult } from './media-bus.js';

/**
 * `MediaBus` on one NATS connection: core NATS, because a late frame is a lost frame. The
 * request goes to `calls.claim`, where the bridges listen in the `media-bridge` queue group.
 * Every call's media goes through the process's one `TurnPublisher`, so a turn's worth leaves
 * in one write (the composition root flushes it before NATS drains). Publishing only
 * fails once the connection is closed (shutdown); that is logged, never thrown into the socket
 * listener that called it.
 */
export function createNatsMediaBus(nc: NatsConnection, publisher: TurnPublisher, logger: Logger): MediaBus {
  const publish = (subject: string, data: Uint8Array | string): boolean => {
    if (publisher.publish(subject, data)) return true;
    logger.warn({ subject }, 'media publish on a closed connection');
    return false;
  };
  const publishControl = (subject: string, control: MediaInControl) =>
    publish(subject, encodeMediaInControl(control));
  const connection = trackConnection(nc);

  return {
    async requestClaim(request: CallClaimRequest, timeoutMs: number): Promise<ClaimAnswer> {
      let reply: Awaited<ReturnType<NatsConnection['request']>>;
      try {
        reply = await nc.request(subjects.callClaim, encodeJson(callClaimRequestSchema, request), {
          timeout: timeoutMs,
        });
      } catch (error) {
        if (error instanceof RequestError && error.isNoResponders()) return { kind: 'no_responders' };
        if (error instanceof TimeoutError) return { kind: 'timeout' };
        throw error;
      }
      const parsed = decodeJson(callClaimReplySchema, reply.data, 'call claim reply');
      if (!parsed.ok) return { kind: 'invalid_reply', detail: parsed.error.message };
      const answer = parsed.value;
      return answer.accepted
        ? { kind: 'accepted', bridgeId: answer.bridgeId }
        : { kind: 'declined', bridgeId: answer.bridgeId, reason: answer.reason };
    },

    link(media: MediaSubjects, handlers: BridgeHandlers): BridgeLink {
      let open = true;
      const subscription = nc.subscribe(media.outAll, {
        callback: (error, msg) => {
          if (error || !open) return;
          if (msg.subject === media.outAudio) {
            handlers.onAudio(msg.data);
            return;
          }
          const control = decodeMediaOutControl(msg.data, 'media out control');
          if (control.ok) handlers.onControl(control.value);
          else handlers.onInvalid(control.error.message);
        },
      });
      // One failed publish means the connection is gone: stop sending rather than log every frame.
      return {
        sendAudio(payload) {
          if (open) open = publish(media.inAudio, payload);
        },
        sendControl(control) {
          if (open) open = publishControl(media.inControl, control);
        },
        close() {
          open = false;
          // The unsubscribe leaves at once: what this link queued (its `stop`) goes first.
          publisher.flush();
          if (!subscription.isClosed()) subscription.unsubscribe();
        },
      };
    },

    sendControl(media, control) {
      publishControl(media.inControl, control);
    },

    async probe(media, timeoutMs): Promise<ProbeResult> {
      const ping: MediaInControl = { type: 'heartbeat', sentAt: Date.now() };
      try {
        await nc.request(media.inControl, encodeJson(mediaInControlSchema, ping), { timeout: timeoutMs });
        return 'alive';
      } catch (error) {
        if (error instanceof RequestError && error.isNoResponders()) return 'gone';
        return 'unknown';
      }
    },

    connectedForMs: () => connection.connectedForMs(),
  };
}

/** Follows the connection's status: since when it has been up without a break. */
function trackConnection(nc: NatsConnection): { connectedForMs(): number | undefined } {
  let connectedSince: number | undefined = performance.now();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connectedSince = undefined;
      else if (status.type === 'reconnect') connectedSince = performance.now();
    }
  })();
  return {
    connectedForMs: () =>
      connectedSince === undefined || nc.isClosed() ? undefined : performance.now() - connectedSince,
  };
}
