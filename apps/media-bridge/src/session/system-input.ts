import type { EscalationStatus } from '@voice/shared/contracts';
import { purposeResponse } from '../model/session-config.js';
import type { RealtimeClientEvent } from '../model/transport.js';
import type { ResponseGate } from './response-gate.js';
import type { Transcript } from './transcript.js';

export interface SystemInputDeps {
  transcript: Transcript;
  gate: ResponseGate;
  /** Sends to the live model session. */
  send(event: RealtimeClientEvent): boolean;
}

/**
 * What the system, rather than the caller's voice, puts into the conversation: notes for the
 * model, keypad input, hand-off news. Each is kept in the transcript, so a replacement model
 * session (or the next bridge) is told it too, and is followed by a response when the caller
 * must hear something.
 */
export class SystemInput {
  constructor(private readonly deps: SystemInputDeps) {}

  note(text: string): void {
    this.deps.transcript.text('note', text);
    this.deps.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text }] },
    });
  }

  keypad(digits: string): void {
    const text = `[keypad] ${digits}`;
    this.deps.transcript.text('keypad', text);
    this.deps.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    this.deps.gate.request(purposeResponse('dtmf'));
  }

  escalationUpdate(status: EscalationStatus): void {
    const message = status.message ? ` Message for the caller: ${status.message}` : '';
    this.note(
      `Hand-off update: ${status.status}.${message} Tell the caller this in one or two short sentences.`,
    );
    this.deps.gate.request(purposeResponse('escalation_update'));
  }

  /**
   * The model session went away owing the caller an answer. When what the caller said was lost
   * with it, the model is told so (it asks them to repeat) instead of guessing.
   */
  answerAfterLoss(): void {
    const last = this.deps.transcript.entries.at(-1);
    if (!(last?.kind === 'caller' && last.text)) {
      this.note(
        "The line dropped for a moment and the caller's last words were lost. Apologise briefly and ask them to repeat.",
      );
    }
    this.deps.gate.request(purposeResponse('restore'));
  }
}
