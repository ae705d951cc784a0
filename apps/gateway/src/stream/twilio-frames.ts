import { isPlainJsonText } from '@voice/shared/contracts';

/** The frames to Twilio of one stream; the bytes around a payload are built once. */
export class TwilioFrames {
  private readonly mediaPrefix: Buffer;
  private readonly mediaSuffix = Buffer.from('"}}', 'latin1');
  private readonly markPrefix: string;
  private readonly streamSid: string;
  readonly clear: string;

  constructor(streamSid: string) {
    this.streamSid = streamSid;
    this.mediaPrefix = Buffer.from(
      `{"event":"media","streamSid":"${streamSid}","media":{"payload":"`,
      'latin1',
    );
    this.markPrefix = `{"event":"mark","streamSid":"${streamSid}","mark":{"name":"`;
    this.clear = JSON.stringify({ event: 'clear', streamSid });
  }

  /** A `media` frame around base64 bytes, by concatenation: the payload is never decoded. */
  media(payload: Uint8Array): Buffer {
    const { mediaPrefix, mediaSuffix } = this;
    const frame = Buffer.allocUnsafe(mediaPrefix.length + payload.length + mediaSuffix.length);
    mediaPrefix.copy(frame, 0);
    frame.set(payload, mediaPrefix.length);
    mediaSuffix.copy(frame, mediaPrefix.length + payload.length);
    return frame;
  }

  mark(name: string): string {
    return isPlainJsonText(name)
      ? `${this.markPrefix}${name}"}}`
      : JSON.stringify({ event: 'mark', streamSid: this.streamSid, mark: { name } });
  }
}
