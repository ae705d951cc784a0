/** One agent item the caller may have heard part of. */
export interface InterruptedItem {
  itemId: string;
  heardMs: number;
  forwardedMs: number;
  /** False when the item belongs to a model session that has since been replaced. */
  truncatable: boolean;
}

export interface BargeInInput {
  /** Items with audio forwarded but possibly unplayed, and items of the response in flight. */
  items: readonly InterruptedItem[];
  /** Audio is queued at the gateway (marks outstanding): Twilio's buffer must be cleared. */
  unplayedAudio: boolean;
  /** A response is being generated right now. */
  responseInFlight: boolean;
  /** Turn detection has `interrupt_response`: the server cancels the response itself. */
  serverInterrupts: boolean;
}

export interface BargeInPlan {
  clear: boolean;
  truncations: Array<{ itemId: string; audioEndMs: number }>;
  /** Send `response.cancel` (never when the server cancels on its own: it would reject a second cancel). */
  cancel: boolean;
}

/**
 * What to do when the caller starts talking over the agent: clear what Twilio has not played,
 * truncate each item at what the caller heard (whole milliseconds, never past what was
 * forwarded, which the model produced: the API rejects a truncate past its audio), and cancel
 * a response still being generated unless the server already does.
 */
export function planBargeIn(input: BargeInInput): BargeInPlan {
  return {
    clear: input.unplayedAudio,
    truncations: input.items
      .filter((item) => item.truncatable)
      .map((item) => ({
        itemId: item.itemId,
        audioEndMs: Math.max(0, Math.min(Math.floor(item.heardMs), Math.floor(item.forwardedMs))),
      })),
    cancel: input.responseInFlight && !input.serverInterrupts,
  };
}
