import type { ConversationItem } from 'openai/resources/realtime/realtime';

/** A caller utterance (its text arrives with the transcription, some time after the turn). */
export interface CallerTurn {
  kind: 'caller';
  itemId: string;
  text: string | undefined;
  /** Its transcription has not come back yet (neither words nor a failure). */
  awaitingText: boolean;
  at: Date;
}

/** An agent utterance and how much of it was heard. */
export interface AgentTurn {
  kind: 'agent';
  itemId: string;
  /** Transcript of the audio the model generated (deltas until `done`). */
  text: string;
  textDone: boolean;
  at: Date;
  /** Audio generated for the item, forwarded or not (ms): the whole of `text`. */
  generatedMs: number;
  interrupted: boolean;
  /** Set when interrupted: audio of the item the caller heard (ms). */
  heardMs: number | undefined;
  published: boolean;
}

/** Something typed on the keypad, or a note the system gave the model (escalation update). */
export interface TextInput {
  kind: 'keypad' | 'note';
  text: string;
  at: Date;
}

export interface ToolExchange {
  kind: 'tool';
  callId: string;
  name: string;
  arguments: string;
  output: string | undefined;
  at: Date;
}

export type TranscriptEntry = CallerTurn | AgentTurn | TextInput | ToolExchange;

/**
 * Keeps the words spoken in the first `heardMs` of `totalMs` of speech. Words are taken as
 * evenly spread over the audio; the words that fit in the heard fraction are kept (rounded
 * down, so a half-heard word is dropped). Honest enough for a record, and never overstates.
 */
export function cutToHeard(text: string, heardMs: number, totalMs: number): string {
  // Nothing heard is nothing said, even of an item cut off before it had any audio.
  if (heardMs <= 0) return '';
  if (totalMs <= 0 || heardMs >= totalMs) return text;
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.floor((words.length * heardMs) / totalMs)).join(' ');
}

/** What the caller heard of an agent turn. */
export function heardText(turn: AgentTurn): string {
  return turn.interrupted && turn.heardMs !== undefined
    ? cutToHeard(turn.text, turn.heardMs, turn.generatedMs)
    : turn.text;
}

/** Most items replayed into a replacement model session (the most recent ones). */
const MAX_REPLAY_ITEMS = 200;

/**
 * The conversation as it happened on the phone, in order: what the caller said, what the
 * agent said as heard, keypad input, notes and tool exchanges. It survives model sessions:
 * a replacement session is rebuilt from it.
 */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly callers = new Map<string, CallerTurn>();
  private readonly agents = new Map<string, AgentTurn>();
  private readonly tools = new Map<string, ToolExchange>();
  private readonly textWaiters = new Set<() => void>();

  callerCommitted(itemId: string): CallerTurn {
    let turn = this.callers.get(itemId);
    if (!turn) {
      turn = { kind: 'caller', itemId, text: undefined, awaitingText: true, at: new Date() };
      this.callers.set(itemId, turn);
      this.entries.push(turn);
    }
    return turn;
  }

  callerTranscribed(itemId: string, text: string): CallerTurn {
    const turn = this.callerCommitted(itemId);
    turn.text = text;
    this.textSettled(turn);
    return turn;
  }

  /** The transcription failed, or found no words: the turn stays without text. */
  callerUntranscribed(itemId: string): CallerTurn {
    const turn = this.callerCommitted(itemId);
    this.textSettled(turn);
    return turn;
  }

  /**
   * Resolves once every caller turn so far has its transcription back (words or a failure),
   * or after `timeoutMs`: transcription lands after the model has started answering, so what
   * is handed on at once (a hand-off) would otherwise miss the caller's last words.
   */
  transcribed(timeoutMs: number): Promise<void> {
    const settled = () => ![...this.callers.values()].some((turn) => turn.awaitingText);
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.textWaiters.delete(check);
        resolve();
      };
      const check = () => {
        if (settled()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.textWaiters.add(check);
    });
  }

  private textSettled(turn: CallerTurn): void {
    turn.awaitingText = false;
    for (const check of [...this.textWaiters]) check();
  }

  agent(itemId: string): AgentTurn {
    let turn = this.agents.get(itemId);
    if (!turn) {
      turn = {
        kind: 'agent',
        itemId,
        text: '',
        textDone: false,
        at: new Date(),
        generatedMs: 0,
        interrupted: false,
        heardMs: undefined,
        published: false,
      };
      this.agents.set(itemId, turn);
      this.entries.push(turn);
    }
    return turn;
  }

  findAgent(itemId: string): AgentTurn | undefined {
    return this.agents.get(itemId);
  }

  /** Agent turns whose record is not published yet. */
  unpublishedAgentTurns(): AgentTurn[] {
    return [...this.agents.values()].filter((t) => !t.published);
  }

  text(kind: TextInput['kind'], text: string): void {
    this.entries.push({ kind, text, at: new Date() });
  }

  toolCalled(callId: string, name: string, args: string): void {
    if (this.tools.has(callId)) return;
    const exchange: ToolExchange = {
      kind: 'tool',
      callId,
      name,
      arguments: args,
      output: undefined,
      at: new Date(),
    };
    this.tools.set(callId, exchange);
    this.entries.push(exchange);
  }

  toolAnswered(callId: string, output: string): void {
    const exchange = this.tools.get(callId);
    if (exchange) exchange.output = output;
  }

  /** The conversation for a human taking over: spoken turns only, as heard. */
  forHandOff(): Array<{ role: 'caller' | 'agent'; text: string; at: string }> {
    const turns: Array<{ role: 'caller' | 'agent'; text: string; at: string }> = [];
    for (const entry of this.entries) {
      if (entry.kind === 'caller' && entry.text)
        turns.push({ role: 'caller', text: entry.text, at: entry.at.toISOString() });
      if (entry.kind === 'keypad')
        turns.push({ role: 'caller', text: entry.text, at: entry.at.toISOString() });
      if (entry.kind === 'agent') {
        const text = heardText(entry);
        if (text) turns.push({ role: 'agent', text, at: entry.at.toISOString() });
      }
    }
    return turns;
  }

  /**
   * The conversation as GA conversation items, for a replacement model session: caller turns
   * as user text, agent turns as assistant text (only what was heard), keypad input, notes,
   * and each tool call with its output.
   */
  replayItems(): ConversationItem[] {
    const items: ConversationItem[] = [];
    for (const entry of this.entries) {
      switch (entry.kind) {
        case 'caller':
          if (entry.text) items.push(userText(entry.text));
          break;
        case 'keypad':
          items.push(userText(entry.text));
          break;
        case 'note':
          items.push({
            type: 'message',
            role: 'system',
            content: [{ type: 'input_text', text: entry.text }],
          });
          break;
        case 'agent': {
          const text = heardText(entry);
          if (text)
            items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
          break;
        }
        case 'tool':
          items.push({
            type: 'function_call',
            call_id: entry.callId,
            name: entry.name,
            arguments: entry.arguments,
          });
          if (entry.output !== undefined) {
            items.push({ type: 'function_call_output', call_id: entry.callId, output: entry.output });
          }
          break;
      }
    }
    return trimReplay(items);
  }
}

function userText(text: string): ConversationItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** Keeps the most recent items without starting on a function output whose call was cut off. */
function trimReplay(items: ConversationItem[]): ConversationItem[] {
  if (items.length <= MAX_REPLAY_ITEMS) return items;
  const recent = items.slice(-MAX_REPLAY_ITEMS);
  while (recent[0]?.type === 'function_call_output') recent.shift();
  return recent;
}
