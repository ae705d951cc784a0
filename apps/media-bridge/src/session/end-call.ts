import type { ToolResponse } from '@voice/shared/contracts';
import { toolFailure } from '@voice/tool-kit';
import { endCallArgumentsSchema } from '../tools/system-tools.js';

/** Longest wait for the goodbye to play before hanging up anyway (a lost mark must not hold the line). */
export const END_CALL_MAX_WAIT_MS = 20_000;

export interface EndCallDeps {
  /** Nothing forwarded is still waiting to be played. */
  playbackIdle(): boolean;
  hangUp(): void;
  /** `end_call` was accepted: the call is winding down (the call's `endRequested`). */
  reportRequested(): void;
  maxWaitMs?: number;
}

type Phase = 'idle' | 'awaiting_response' | 'awaiting_done' | 'awaiting_playback' | 'hung_up';

/**
 * `end_call`: the model asks to end, then says goodbye in the response that follows. The
 * hang-up goes out only when that response is done and every chunk of audio before it has
 * played (its last mark acknowledged); with no audio queued, at once.
 */
export class EndCallController {
  private phase: Phase = 'idle';
  private responseId: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: EndCallDeps) {}

  /** The model called `end_call`: the answer it gets (say goodbye now), or a clear argument error. */
  toolCall(args: unknown): ToolResponse {
    if (!endCallArgumentsSchema.safeParse(args).success) {
      return toolFailure('bad_arguments', 'end_call takes an optional "reason" string.', true);
    }
    this.request();
    return {
      ok: true,
      replayed: false,
      result: { status: 'ending', instructions: 'Say a short goodbye now.' },
    };
  }

  request(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'awaiting_response';
    this.deps.reportRequested();
    this.timer = setTimeout(() => this.hangUp(), this.deps.maxWaitMs ?? END_CALL_MAX_WAIT_MS);
  }

  onResponseCreated(responseId: string): void {
    if (this.phase !== 'awaiting_response') return;
    this.phase = 'awaiting_done';
    this.responseId = responseId;
  }

  onResponseDone(responseId: string): void {
    if (this.phase !== 'awaiting_done' || responseId !== this.responseId) return;
    this.phase = 'awaiting_playback';
    this.onPlayback();
  }

  /** A mark was acknowledged (or audio cleared). */
  onPlayback(): void {
    if (this.phase === 'awaiting_playback' && this.deps.playbackIdle()) this.hangUp();
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private hangUp(): void {
    if (this.phase === 'hung_up') return;
    this.phase = 'hung_up';
    clearTimeout(this.timer);
    this.deps.hangUp();
  }
}
