/** One agent item the caller may have heard part of. */
export interface InterruptedItem {
  itemId: string;
  heardMs: number;
  forwardedMs: number;
  /** Audio the model produced for the item (ms): none means there is nothing to truncate. */
  generatedMs: number;
  /** False when the item belongs to a model session that has since been replaced. */
  truncatable: boolean;
}

export interface BargeInInput {
  /** Items with audio forwarded but possibly unplayed, and items of the response in flight. */
  items: readonly InterruptedItem[];
  /** Audio is queued at the gateway (marks outstanding): Twilio's buffer must be cleared. */
  unplayedAudio: boolean;
}

export interface BargeInPlan {
  clear: boolean;
  truncations: Array<{ itemId: string; audioEndMs: number }>;
}

/**
 * What to do when the caller talks over the agent (the server cancels a response in flight
 * itself, `interrupt_response`): clear what Twilio has not played, and truncate each item that
 * carries audio at what the caller heard (whole milliseconds, never past what was forwarded,
 * which the model produced: the API rejects a truncate past its audio). An item without audio
 * (announced, none produced yet) is left alone: the API refuses to truncate it
 * (`unsupported_content_type`, livekit/agents #6157).
 */
export function planBargeIn(input: BargeInInput): BargeInPlan {
  return {
    clear: input.unplayedAudio,
    truncations: input.items
      .filter((item) => item.truncatable && item.generatedMs > 0)
      .map((item) => ({
        itemId: item.itemId,
        audioEndMs: Math.max(0, Math.min(Math.floor(item.heardMs), Math.floor(item.forwardedMs))),
      })),
  };
}
