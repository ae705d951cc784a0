/**
 * What the AI agent (or Twilio's `<Say>`) tells the caller at each step, in plain words.
 * Only first names are spoken: the caller needs a person, not their full name.
 */
export interface CallerMessages {
  dialing(humanName: string): string;
  connected(humanName: string): string;
  noAnswer(humanName: string): string;
  queued(queue: string): string;
  callback(queue: string): string;
  failed(): string;
  alreadyTransferring(): string;
}

export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? fullName;
}

/** `front-desk` → `front desk`. */
export function teamName(queue: string): string {
  return queue.replace(/[-_]+/g, ' ').trim() || 'support';
}

export function createCallerMessages(options: { callbackEtaMinutes: number }): CallerMessages {
  return {
    dialing: (name) => `I'm connecting you to ${firstName(name)} now. Please hold for a moment.`,
    connected: (name) => `You're now connected to ${firstName(name)}.`,
    noAnswer: (name) => `${firstName(name)} isn't able to pick up right now.`,
    queued: (queue) =>
      `Everyone on our ${teamName(queue)} team is helping other callers right now. I'll place you on hold, and the next available person will pick up.`,
    callback: (queue) =>
      `Everyone on our ${teamName(queue)} team is busy right now. A member of our ${teamName(queue)} team will call you back within about ${options.callbackEtaMinutes} minutes.`,
    failed: () => "I'm sorry, I couldn't reach a person just now. Please try again a little later.",
    alreadyTransferring: () => "You're already being transferred to a person.",
  };
}
