import type { ResponseParams } from './client-events.js';
import type { Conversation, FakeItem } from './conversation.js';
import { type ResponsePacing, ResponseRun } from './response-run.js';
import { quotedLine, type ReplyTrigger, type ScriptPlayer } from './script.js';

/** What the responder needs from its session. */
export interface ResponderHost {
  readonly conversation: Conversation;
  readonly script: ScriptPlayer;
  /** The session's instructions now (in force for a response that brings none of its own). */
  instructions(): string;
  pacing(): ResponsePacing;
  /** Extra delay for the next response (test controls), consumed once. */
  takeDelay(): number;
  send(type: string, payload: Record<string, unknown>): boolean;
  inputTokens(): number;
  /** Input audio received so far (ms): where a response starts on the caller's timeline. */
  inputPosition(): number;
  /** A response ended, having started at `startedAtInputMs` and produced `audioMs` of audio. */
  responseEnded(startedAtInputMs: number, audioMs: number): void;
  notify(): void;
  /** Supplies the bytes of each audio delta from the generated chunk (benchmark markers). */
  outputAudio?(chunk: Buffer): Buffer;
}

const FILLER_WHEN_NO_LINE = 'One moment.';

/**
 * What `rate_limits.updated` reports: an account far from its limits, spending what each
 * response used. The real API sends it around every response (PROTOCOLS.md corrections; the
 * SDK's `RateLimitsUpdatedEvent`); the fake sends it right after each `response.done`.
 */
const REQUESTS_PER_MINUTE = 10_000;
const TOKENS_PER_MINUTE = 2_000_000;

/**
 * Creates responses: decides what the fake says from the inputs since the last response
 * (function outputs, a text item, a caller turn) or a quoted line in the instructions.
 */
export class Responder {
  readonly runs: ResponseRun[] = [];
  private pendingInputs: FakeItem[] = [];
  private tokensSpent = 0;

  constructor(private readonly host: ResponderHost) {}

  get active(): ResponseRun | undefined {
    const last = this.runs.at(-1);
    return last?.active ? last : undefined;
  }

  /** An input the next response answers. */
  noteInput(item: FakeItem): void {
    this.pendingInputs.push(item);
  }

  respondTo(params: ResponseParams | undefined): void {
    this.start(this.triggerFor(params), params);
  }

  start(trigger: ReplyTrigger, params?: ResponseParams): void {
    this.pendingInputs = [];
    // A response's own instructions replace the session's for that response (PROTOCOLS.md
    // corrections): the persona they lack is lost for it.
    const instructions = params?.instructions ?? this.host.instructions();
    let reply = this.host.script.replyTo(trigger);
    if (params?.tool_choice === 'none')
      reply = { ...reply, say: reply.say ?? FILLER_WHEN_NO_LINE, calls: [] };
    if (reply.say !== undefined) reply = { ...reply, say: this.host.script.speak(reply.say, instructions) };
    const pacing = this.host.pacing();
    const run = new ResponseRun(
      {
        send: (type, payload) => this.host.send(type, payload),
        addItem: (item) => this.host.conversation.add(item),
        lastItemId: () => this.host.conversation.items.at(-1)?.id ?? null,
        inputTokens: () => this.host.inputTokens(),
        ...(this.host.outputAudio
          ? { outputAudio: (chunk: Buffer) => this.host.outputAudio?.(chunk) ?? chunk }
          : {}),
      },
      { ...pacing, firstOutputDelayMs: pacing.firstOutputDelayMs + this.host.takeDelay() },
      { metadata: params?.metadata ?? null, instructions },
    );
    this.runs.push(run);
    const startedAt = this.host.inputPosition();
    void run
      .run(reply)
      .then((done) => {
        this.host.responseEnded(startedAt, run.audioMs);
        if (done) this.reportRateLimits(run);
      })
      .finally(() => this.host.notify());
  }

  private reportRateLimits(run: ResponseRun): void {
    this.tokensSpent += run.totalTokens;
    const requests = this.runs.length;
    this.host.send('rate_limits.updated', {
      rate_limits: [
        {
          name: 'requests',
          limit: REQUESTS_PER_MINUTE,
          remaining: Math.max(1, REQUESTS_PER_MINUTE - requests),
          reset_seconds: 0.006 * requests,
        },
        {
          name: 'tokens',
          limit: TOKENS_PER_MINUTE,
          remaining: Math.max(1, TOKENS_PER_MINUTE - this.tokensSpent),
          reset_seconds: Math.round(this.tokensSpent * 0.03) / 1_000,
        },
      ],
    });
  }

  private triggerFor(params: ResponseParams | undefined): ReplyTrigger {
    const instructions = params?.instructions;
    const line = quotedLine(instructions);
    if (line !== undefined && instructions) return { kind: 'instructions', instructions, line };
    const outputs = this.pendingInputs.filter((i) => i.type === 'function_call_output');
    if (outputs.length > 0) {
      return {
        kind: 'function_output',
        outputs: outputs.map((o) => ({
          callId: o.callId ?? '',
          name: o.name ?? '',
          output: o.output ?? '',
          parsed: parseJson(o.output ?? ''),
        })),
      };
    }
    const last = this.pendingInputs.filter((i) => i.type === 'message').at(-1);
    if (!last) return { kind: 'none' };
    if (last.idle) return { kind: 'idle_timeout', itemId: last.id };
    if (last.audio) return { kind: 'caller', transcript: last.text, itemId: last.id };
    return { kind: 'text', role: last.role ?? 'user', text: last.text, itemId: last.id };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
