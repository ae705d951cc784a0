import type { ToolCallContext, ToolRequest, ToolResponse } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import { type DiscoveredTool, toolFailure } from '@voice/tool-kit';
import type { CallEvents } from '../events/call-events.js';
import type { BridgeMetrics } from '../metrics.js';
import { fillerResponse, purposeResponse } from '../model/session-config.js';
import type { ResponseGate } from '../session/response-gate.js';
import type { Transcript } from '../session/transcript.js';
import { isSystemTool, SYSTEM_TOOL_NAMES } from './system-tools.js';

/** Runs a worker tool call and always answers with a `ToolResponse` (errors are values). */
export interface ToolInvoker {
  invoke(request: ToolRequest): Promise<ToolResponse>;
}

/** The bridge's own tools. */
export interface SystemToolHandlers {
  escalate(callId: string, args: unknown): Promise<ToolResponse>;
  endCall(callId: string, args: unknown): ToolResponse;
}

export interface ToolLoopDeps {
  context: ToolCallContext;
  /** Worker tools offered to the model on this call, by name. */
  offered(): ReadonlyMap<string, DiscoveredTool>;
  /** System tools the agent profile allows. */
  systemOffered: ReadonlySet<string>;
  invoker: ToolInvoker;
  system: SystemToolHandlers;
  /** Sends a `function_call_output` item to the model. */
  sendOutput(callId: string, output: string): void;
  transcript: Transcript;
  gate: ResponseGate;
  events: CallEvents;
  metrics: BridgeMetrics;
  logger: Logger;
  /** Say a holding line when a tool has not answered after this long; null: never. */
  fillerAfterMs: number | null;
  /** The profile's instructions: the holding line is said in its persona and language. */
  persona: string;
  /** Nothing is being said or queued to be said. */
  agentSilent(): boolean;
  /** Told after every change whether a tool call is unanswered (the call's `toolsBusy`). */
  reportBusy(busy: boolean): void;
}

/** The function calls of one model response: the next response waits until all are answered. */
interface Batch {
  responseId: string;
  pending: Set<string>;
  responseDone: boolean;
  continued: boolean;
  fillerTimer: NodeJS.Timeout | undefined;
  fillerSaid: boolean;
}

const MAX_TOOL_TIMEOUT_MS = 120_000;
/** A filler that is due while the agent still talks waits for silence, checking this often. */
const FILLER_RECHECK_MS = 250;

/**
 * The tool loop: each function call runs at once (calls of one response in parallel) and its
 * result, or a clear error, goes back as a `function_call_output`. Once every call of the
 * response is answered and the response is done, the model is asked to continue. A slow tool
 * gets one short holding line, never overlapping other speech (the response gate sees to it).
 */
export class ToolLoop {
  private readonly batches = new Map<string, Batch>();
  private readonly seen = new Set<string>();
  private closed = false;

  constructor(private readonly deps: ToolLoopDeps) {}

  /** Some tool call has not been answered yet. */
  get busy(): boolean {
    return [...this.batches.values()].some((b) => b.pending.size > 0);
  }

  onFunctionCall(call: { response_id: string; call_id: string; name: string; arguments: string }): void {
    if (this.closed || this.seen.has(call.call_id)) return;
    this.seen.add(call.call_id);
    const batch = this.batch(call.response_id);
    batch.pending.add(call.call_id);
    this.deps.reportBusy(true);
    void this.run(batch, call.call_id, call.name, call.arguments);
  }

  onResponseDone(responseId: string): void {
    const batch = this.batches.get(responseId);
    if (!batch) return;
    batch.responseDone = true;
    this.maybeContinue(batch);
  }

  /** The model session was replaced: responses of the old one will never finish there. */
  onSessionReplaced(): void {
    for (const batch of this.batches.values()) {
      batch.responseDone = true;
      this.maybeContinue(batch);
    }
  }

  close(): void {
    this.closed = true;
    for (const batch of this.batches.values()) clearTimeout(batch.fillerTimer);
    this.batches.clear();
    this.deps.reportBusy(false);
  }

  private batch(responseId: string): Batch {
    let batch = this.batches.get(responseId);
    if (!batch) {
      batch = {
        responseId,
        pending: new Set(),
        responseDone: false,
        continued: false,
        fillerTimer: undefined,
        fillerSaid: false,
      };
      this.batches.set(responseId, batch);
    }
    return batch;
  }

  private async run(batch: Batch, callId: string, name: string, argumentsText: string): Promise<void> {
    const started = performance.now();
    this.deps.transcript.toolCalled(callId, name, argumentsText);
    let response: ToolResponse;
    try {
      const args = parseArguments(argumentsText);
      this.deps.events.toolInvoked(callId, name, args.ok ? args.value : argumentsText);
      if (!args.ok) {
        response = toolFailure(
          'bad_arguments',
          'The arguments are not valid JSON. Call the tool again with a JSON object.',
          true,
        );
      } else {
        if (!isSystemTool(name)) this.armFiller(batch);
        response = await this.execute(callId, name, args.value);
      }
    } catch (error) {
      this.deps.logger.error({ err: error, tool: name, toolCallId: callId }, 'tool call failed unexpectedly');
      response = toolFailure('internal', `The ${name} tool failed.`, false);
    }
    const latencyMs = performance.now() - started;
    this.deps.events.toolCompleted(callId, name, response, latencyMs);
    this.deps.events.latency('tool', latencyMs, callId);
    this.deps.metrics.toolLatency.labels(name, response.ok ? 'ok' : response.error.code).observe(latencyMs);
    this.deps.logger.info(
      { tool: name, toolCallId: callId, ok: response.ok, latencyMs: Math.round(latencyMs) },
      'tool call answered',
    );
    if (this.closed) return;
    const output = JSON.stringify(response);
    this.deps.transcript.toolAnswered(callId, output);
    this.deps.sendOutput(callId, output);
    batch.pending.delete(callId);
    this.deps.reportBusy(this.busy);
    this.maybeContinue(batch);
  }

  private execute(callId: string, name: string, args: unknown): Promise<ToolResponse> | ToolResponse {
    if (name === SYSTEM_TOOL_NAMES.escalate && this.isOffered(name))
      return this.deps.system.escalate(callId, args);
    if (name === SYSTEM_TOOL_NAMES.endCall && this.isOffered(name))
      return this.deps.system.endCall(callId, args);
    const tool = this.deps.offered().get(name);
    if (!tool || isSystemTool(name)) {
      return toolFailure('unavailable', `There is no tool named ${name} on this call.`, false);
    }
    return this.deps.invoker.invoke({
      toolCallId: callId,
      name,
      arguments: args,
      context: this.deps.context,
      timeoutMs: Math.min(MAX_TOOL_TIMEOUT_MS, Math.max(1, Math.round(tool.timeoutMs))),
    });
  }

  private isOffered(name: string): boolean {
    return this.deps.systemOffered.has(name);
  }

  private maybeContinue(batch: Batch): void {
    if (batch.continued || !batch.responseDone || batch.pending.size > 0) return;
    batch.continued = true;
    clearTimeout(batch.fillerTimer);
    this.batches.delete(batch.responseId);
    this.deps.gate.drop('filler');
    this.deps.gate.request(purposeResponse('tool_followup'));
  }

  private armFiller(batch: Batch): void {
    const after = this.deps.fillerAfterMs;
    if (after === null || batch.fillerTimer !== undefined || batch.fillerSaid) return;
    const check = () => {
      if (this.closed || batch.continued || batch.pending.size === 0) return;
      if (!this.deps.agentSilent()) {
        batch.fillerTimer = setTimeout(check, FILLER_RECHECK_MS);
        return;
      }
      batch.fillerSaid = true;
      this.deps.gate.request(fillerResponse(this.deps.persona));
    };
    batch.fillerTimer = setTimeout(check, after);
  }
}

function parseArguments(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: text.trim() === '' ? {} : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
