import type { NatsConnection } from '@nats-io/nats-core';
import {
  decodeMediaInControl,
  encodeMediaOutControl,
  isBase64Bytes,
  type MediaInControl,
  type MediaOutControl,
  type MediaSubjects,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { TurnPublisher } from '@voice/shared/nats';

export interface CallMediaHandlers {
  /**
   * Caller audio: the base64 mu-law payload exactly as Twilio sent it, as bytes (checked to be
   * base64; a view into the NATS message: copy it to keep it past this call).
   */
  onAudio(payload: Uint8Array): void;
  onControl(control: MediaInControl): void;
}

/**
 * The bridge's side of one claim's media subjects: the call's audio and media controls
 * to and from the gateway.
 */
export interface CallMediaChannel {
  /** Agent audio to the caller: the base64 mu-law payload as the model sent it (text or its bytes). */
  sendAudio(payload: Uint8Array | string): void;
  sendControl(control: MediaOutControl): void;
  /**
   * Proves to the gateway the bridge still holds the claim: a heartbeat, unless audio or a
   * control went out since the last call (any message proves it as well, and a talking call
   * needs no extra message per beat).
   */
  heartbeat(): void;
  close(): void;
}

/**
 * Subscribes once to the claim's inbound subjects (audio and control in the order the gateway
 * sent them) and publishes outbound audio and control. Audio is never decoded here, only checked
 * to be base64 (it goes into the JSON of the model's `input_audio_buffer.append` as it is);
 * control messages are parsed, and a bad message is logged and dropped. A control sent as a
 * request (the gateway's probe of a silent bridge) is answered at once: the bridge holds the claim.
 * Outbound messages go through the bridge's one `TurnPublisher`, so a turn's worth of every
 * call's audio leaves in one write.
 */
export function openCallMediaChannel(
  nc: NatsConnection,
  publisher: TurnPublisher,
  subjects: MediaSubjects,
  handlers: CallMediaHandlers,
  logger: Logger,
): CallMediaChannel {
  let warnedBadAudio = false;
  const subscription = nc.subscribe(subjects.inAll, {
    callback: (error, msg) => {
      if (error) {
        logger.warn({ err: error }, 'media subscription error');
        return;
      }
      try {
        if (msg.subject === subjects.inAudio) {
          if (isBase64Bytes(msg.data)) handlers.onAudio(msg.data);
          else if (!warnedBadAudio) {
            warnedBadAudio = true;
            logger.warn({ bytes: msg.data.length }, 'caller audio that is not base64 dropped');
          }
          return;
        }
        if (msg.subject !== subjects.inControl) return;
        if (msg.reply) msg.respond();
        const control = decodeMediaInControl(msg.data, 'media control');
        if (control.ok) handlers.onControl(control.value);
        else logger.warn({ issues: control.error.issues }, 'media control message rejected');
      } catch (handlerError) {
        logger.error({ err: handlerError, subject: msg.subject }, 'media message handler failed');
      }
    },
  });
  let sentSinceBeat = false;
  const sendControl = (control: MediaOutControl) => {
    sentSinceBeat = true;
    publisher.publish(subjects.outControl, encodeMediaOutControl(control));
  };
  return {
    sendAudio: (payload) => {
      sentSinceBeat = true;
      publisher.publish(subjects.outAudio, payload);
    },
    sendControl,
    heartbeat: () => {
      if (!sentSinceBeat) sendControl({ type: 'heartbeat', sentAt: Date.now() });
      sentSinceBeat = false;
    },
    // The unsubscribe leaves at once; what this call queued (a hand-back's release) must reach
    // NATS before it, or a probe in between finds nobody and the gateway takes the bridge for dead.
    close: () => {
      publisher.flush();
      subscription.unsubscribe();
    },
  };
}
