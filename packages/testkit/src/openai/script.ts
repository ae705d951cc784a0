/**
 * How the fake model answers. The fake cannot understand speech, so a test scripts it: what
 * each caller utterance "said", and rules that turn what just happened into a reply.
 */

/** A substring (case-insensitive) or a regular expression. */
export type Matcher = string | RegExp;

/** A function call the fake makes; `arguments` is JSON-encoded unless already a string (bad JSON on purpose). */
export interface ScriptedCall {
  name: string;
  arguments: unknown;
  /** Fixed call id (default: a fresh `call_…`). */
  callId?: string;
}

/** One response: speak a line, call functions, or both (speech first, as a model does). */
export interface ScriptReply {
  say?: string;
  calls?: readonly ScriptedCall[];
  /**
   * Milliseconds between announcing the spoken item (`response.output_item.added`) and its
   * first audio: the window in which the item exists but has no audio yet (livekit/agents
   * #6157 shows the real server's event order in that window).
   */
  audioAfterMs?: number;
  /**
   * How the response ends when it is not allowed to complete (a fault): `failed` produces no
   * output and ends with a server error; `incomplete` stops half way through the line, as
   * `max_output_tokens` does (`RealtimeResponseStatus` in the SDK's realtime.d.ts).
   */
  end?: 'failed' | 'incomplete';
}

/** What made the fake respond. */
export type ReplyTrigger =
  | { kind: 'caller'; transcript: string; itemId: string }
  | { kind: 'text'; role: 'user' | 'system' | 'assistant'; text: string; itemId: string }
  | {
      kind: 'function_output';
      outputs: ReadonlyArray<{ callId: string; name: string; output: string; parsed: unknown }>;
    }
  | { kind: 'instructions'; instructions: string; line: string }
  /** `idle_timeout_ms` passed without speech: the server committed the silence and answers it. */
  | { kind: 'idle_timeout'; itemId: string }
  | { kind: 'none' };

export type RuleCondition =
  | { callerSaid: Matcher }
  | { text: Matcher }
  | { functionOutput: { name?: string; output?: Matcher } }
  | { predicate: (trigger: ReplyTrigger) => boolean };

export interface ScriptRule {
  when: RuleCondition;
  reply: ScriptReply | ((trigger: ReplyTrigger) => ScriptReply);
  /** How many times the rule may fire (default: every time it matches). */
  times?: number;
}

export interface FakeRealtimeScript {
  /** What the caller said in each utterance, in order (or computed from its index, from 0). */
  callerTranscripts?: readonly string[] | ((index: number) => string);
  /** Tried in order; the first that matches answers. */
  rules?: readonly ScriptRule[];
  /** Said when no rule matches (default "Okay."). */
  defaultReply?: ScriptReply;
  /**
   * How the persona in force says a line, given the instructions in force for the response
   * (a response's own `instructions` replace the session's: PROTOCOLS.md corrections). E.g.
   * the line in the language those instructions ask for. Default: the line as it is.
   */
  speakAs?: (line: string, instructions: string) => string;
  /**
   * Caller utterances (by index, from 0) whose input transcription fails
   * (`conversation.item.input_audio_transcription.failed`); the model still hears them.
   */
  transcriptionFails?: (index: number) => boolean;
}

export const DEFAULT_REPLY: ScriptReply = { say: 'Okay.' };

/**
 * A quoted line in response instructions (`Say exactly: "Hello!"`): the fake speaks it. The
 * last one counts: a response's own direction follows the persona it repeats.
 */
const QUOTED_LINE = /["“]([^"”]{1,2000})["”]/g;

export function quotedLine(instructions: string | undefined): string | undefined {
  if (!instructions) return undefined;
  return [...instructions.matchAll(QUOTED_LINE)].at(-1)?.[1];
}

/** One caller utterance as the fake model takes it. */
export interface CallerUtterance {
  /** What the model "heard" (it answers this even when transcription fails). */
  transcript: string;
  transcriptionFails: boolean;
}

function matches(matcher: Matcher, text: string): boolean {
  return typeof matcher === 'string'
    ? text.toLowerCase().includes(matcher.toLowerCase())
    : matcher.test(text);
}

function conditionHolds(condition: RuleCondition, trigger: ReplyTrigger): boolean {
  if ('predicate' in condition) return condition.predicate(trigger);
  if ('callerSaid' in condition)
    return trigger.kind === 'caller' && matches(condition.callerSaid, trigger.transcript);
  if ('text' in condition) return trigger.kind === 'text' && matches(condition.text, trigger.text);
  if (trigger.kind !== 'function_output') return false;
  const { name, output } = condition.functionOutput;
  return trigger.outputs.some(
    (o) => (name === undefined || o.name === name) && (output === undefined || matches(output, o.output)),
  );
}

/**
 * The script's state, shared by every session of one server: a conversation that moves to a
 * new socket (reconnect) carries on where it was (the next caller transcript, rule counts).
 */
export class ScriptPlayer {
  private callerIndex = 0;
  private readonly fired = new Map<ScriptRule, number>();

  constructor(private script: FakeRealtimeScript = {}) {}

  /** Replaces the script (rule counts and the caller transcript position restart). */
  set(script: FakeRealtimeScript): void {
    this.script = script;
    this.callerIndex = 0;
    this.fired.clear();
  }

  nextCallerUtterance(): CallerUtterance {
    const index = this.callerIndex++;
    const source = this.script.callerTranscripts;
    const transcript =
      typeof source === 'function' ? source(index) : (source?.[index] ?? `(caller utterance ${index + 1})`);
    return { transcript, transcriptionFails: this.script.transcriptionFails?.(index) ?? false };
  }

  /** The line as the persona in force says it. */
  speak(line: string, instructions: string): string {
    return this.script.speakAs?.(line, instructions) ?? line;
  }

  /** The reply to a trigger: an instructions line is spoken as is; otherwise the first matching rule. */
  replyTo(trigger: ReplyTrigger): ScriptReply {
    if (trigger.kind === 'instructions') return { say: trigger.line };
    for (const rule of this.script.rules ?? []) {
      const count = this.fired.get(rule) ?? 0;
      if (rule.times !== undefined && count >= rule.times) continue;
      if (!conditionHolds(rule.when, trigger)) continue;
      this.fired.set(rule, count + 1);
      return typeof rule.reply === 'function' ? rule.reply(trigger) : rule.reply;
    }
    return this.script.defaultReply ?? DEFAULT_REPLY;
  }
}
