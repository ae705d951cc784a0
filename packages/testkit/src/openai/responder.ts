import type { ResponseParams } from './client-events.js';
import type { Conversation, FakeItem } from './conversation.js';
import { type ResponsePacing, ResponseRun } from './response-run.js';
import { quotedLine, type ReplyTrigger, type ScriptPlayer } from './script.js';

/** What the responder needs from its session. */
export interface ResponderHost {
  readonly conversation: Conversation;
  readonly script: ScriptPlayer;
  pacing(): ResponsePacing;
  /** Extra delay for the next response (test controls), consumed once. */
  takeDelay(): number;
  send(type: string, payload: Record<string, unknown>): boolean;
  inputTokens(): number;
  notify(): void;
  /** Supplies the bytes of each audio delta from the generated chunk (benchmark markers). */
  outputAudio?(chunk: Buffer): Buffer;
}

const FILLER_WHEN_NO_LINE = 'One moment.';

/**
 * Creates responses: decides what the fake says from the inputs since the last response
 * (function outputs, a text item, a caller turn) or a quoted line in the instructions.
 */
export class Responder {
  readonly runs: ResponseRun[] = [];
  private pendingInputs: FakeItem[] = [];

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
    let reply = this.host.script.replyTo(trigger);
    if (params?.tool_choice === 'none') reply = { say: reply.say ?? FILLER_WHEN_NO_LINE };
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
      params?.metadata ?? null,
    );
    this.runs.push(run);
    void run.run(reply).finally(() => this.host.notify());
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
