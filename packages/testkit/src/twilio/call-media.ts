import { EventEmitter } from 'node:events';
import type { ReceivedMessage, TwilioMediaStream } from './media-stream.js';
import type { HeardChunk } from './playback.js';
import { type WaitOptions, waitUntil } from './wait.js';
import { writeWav } from './wav.js';

/**
 * The caller's side of a simulated call's media streams: what was heard and received on them,
 * speech and DTMF sent on the current one, and waits that re-check on every change.
 */
export abstract class CallMedia {
  /** Every media stream opened, in order; the last is the current one. */
  readonly streams: TwilioMediaStream[] = [];
  protected readonly origin = performance.now();
  private readonly changes = new EventEmitter();

  constructor() {
    this.changes.setMaxListeners(0);
  }

  /** The current media stream, if one was opened. */
  get stream(): TwilioMediaStream | undefined {
    return this.streams[this.streams.length - 1];
  }

  /** Messages the gateway sent on the current stream. */
  get received(): readonly ReceivedMessage[] {
    return this.stream?.received ?? [];
  }

  /** Audio heard on every stream of the call, in order. */
  get heard(): HeardChunk[] {
    return this.streams.flatMap((stream) => stream.heard);
  }

  heardAudio(): Buffer {
    return Buffer.concat(this.heard.map((chunk) => chunk.bytes));
  }

  saveHeardWav(path: string): void {
    writeWav(path, this.heardAudio());
  }

  /** Milliseconds since the call was placed. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Queues caller speech on the current stream (mu-law bytes or a WAV path). */
  say(audio: Uint8Array | string): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.reject(new Error('the call has no media stream'));
    return stream.say(audio);
  }

  sendDtmf(digit: string): void {
    this.stream?.sendDtmf(digit);
  }

  /**
   * Resolves once `predicate` holds, re-checked on every message, frame played, close and end;
   * rejects after the timeout (ms, or `{ timeoutMs, description }`; default 10 s).
   */
  waitFor(predicate: () => boolean, options: WaitOptions | number = {}): Promise<void> {
    return waitUntil(this.changes, predicate, options);
  }

  /** Resolves with the first message of this `event` on the current stream that matches. */
  async waitForMessage(
    event: string,
    matches: (message: ReceivedMessage) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<ReceivedMessage> {
    const find = () => this.received.find((entry) => entry.message.event === event && matches(entry));
    await this.waitFor(() => find() !== undefined, { description: `a "${event}" message`, ...options });
    return find() as ReceivedMessage;
  }

  protected changed(): void {
    this.changes.emit('change');
  }
}
