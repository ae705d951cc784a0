import type { TwilioInboundMessage } from '@voice/shared/contracts';

/** What a bridge can be handed: caller audio and keypad digits. */
export type HeldMessage = Extract<TwilioInboundMessage, { event: 'media' | 'dtmf' }>;

/** Caller audio kept while the call moves to another bridge: 2 s of 20 ms frames. */
export const MAX_HELD_MEDIA_FRAMES = 100;

/**
 * Caller input received while a call moves between bridges, handed to the new bridge once it
 * holds the call. Only the most recent audio is kept: what is older than the bound is stale.
 */
export class HeldFrames {
  private messages: HeldMessage[] = [];
  private media = 0;

  hold(message: HeldMessage): void {
    this.messages.push(message);
    if (message.event !== 'media') return;
    this.media++;
    if (this.media <= MAX_HELD_MEDIA_FRAMES) return;
    const oldest = this.messages.findIndex((held) => held.event === 'media');
    this.messages.splice(oldest, 1);
    this.media--;
  }

  /** Everything held, oldest first; the holder is empty after. */
  take(): HeldMessage[] {
    const messages = this.messages;
    this.messages = [];
    this.media = 0;
    return messages;
  }
}
