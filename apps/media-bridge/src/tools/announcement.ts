export interface AnnouncementDeps {
  /** Nothing forwarded is still waiting to be played (every mark echoed, or cleared). */
  playbackIdle(): boolean;
  /** The hand-off line is over for the caller: the escalation service may move the call. */
  announced(escalationId: string): void;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'awaiting_response'; escalationId: string }
  | { kind: 'awaiting_done'; escalationId: string; responseId: string }
  | { kind: 'awaiting_playback'; escalationId: string };

/**
 * Follows the agent's hand-off line: the first response after `escalate_to_human` answered,
 * until it is done and all its audio has played (the rule `end_call` applies to its goodbye).
 * A Twilio REST update drops whatever the stream has not played yet (PROTOCOLS.md,
 * corrections of 2026-12-02), so the escalation service waits for this before moving the call.
 */
export class AnnouncementWatch {
  private phase: Phase = { kind: 'idle' };

  constructor(private readonly deps: AnnouncementDeps) {}

  /** The tool answer is about to go to the model: its next response is the hand-off line. */
  expect(escalationId: string): void {
    this.phase = { kind: 'awaiting_response', escalationId };
  }

  onResponseCreated(responseId: string): void {
    if (this.phase.kind !== 'awaiting_response') return;
    this.phase = { kind: 'awaiting_done', escalationId: this.phase.escalationId, responseId };
  }

  onResponseDone(responseId: string): void {
    if (this.phase.kind !== 'awaiting_done' || this.phase.responseId !== responseId) return;
    this.phase = { kind: 'awaiting_playback', escalationId: this.phase.escalationId };
    this.onPlayback();
  }

  /** A mark was echoed or the audio cleared (a barge-in also ends the line). */
  onPlayback(): void {
    if (this.phase.kind !== 'awaiting_playback' || !this.deps.playbackIdle()) return;
    const { escalationId } = this.phase;
    this.phase = { kind: 'idle' };
    this.deps.announced(escalationId);
  }

  close(): void {
    this.phase = { kind: 'idle' };
  }
}
