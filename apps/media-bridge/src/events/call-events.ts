import type { CallEvent, CallSid, ToolResponse } from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { JetStreamOutbox } from '@voice/shared/nats';
import type { ModelUsage } from '../model/server-events.js';

/** Latency kinds the bridge measures (see `latencyKindSchema`). */
export type LatencyKind = 'setup' | 'turn' | 'barge_in' | 'tool' | 'session_restore';

/** Longest text a transcript event carries (the contract's bound). */
const MAX_TEXT = 20_000;

type Envelope = 'eventId' | 'callSid' | 'at' | 'source';
/** A call event without its envelope, one member per event type. */
type EventBody = CallEvent extends infer E ? (E extends CallEvent ? Omit<E, Envelope> : never) : never;
type Payload<T extends CallEvent['type']> = Omit<Extract<CallEvent, { type: T }>, Envelope | 'type'>;

/**
 * The call events one call's session publishes, through the JetStream outbox. Every event id
 * is deterministic (`${callSid}:turn:${itemId}` …), so a retried publish is stored once.
 * Events numbered by a per-session counter (DTMF digits, restores, barge-ins) carry the
 * session's `counterScope` too: a bridge that took the call over counts from 1 again, and
 * its events must not be taken for duplicates of the previous bridge's.
 */
export class CallEvents {
  constructor(
    private readonly outbox: JetStreamOutbox,
    private readonly callSid: CallSid,
    private readonly logger: Logger,
    private readonly counterScope = '',
  ) {}

  /** The id key of the `n`-th event of a per-session counter. */
  counted(n: number): string {
    return `${this.counterScope}${n}`;
  }

  transcriptTurn(turn: Payload<'transcript.turn'>): void {
    this.publish(`turn:${turn.itemId}`, {
      type: 'transcript.turn',
      ...turn,
      text: turn.text.slice(0, MAX_TEXT),
    });
  }

  toolInvoked(toolCallId: string, name: string, args: unknown): void {
    this.publish(`tool:${toolCallId}:invoked`, { type: 'tool.invoked', toolCallId, name, arguments: args });
  }

  toolCompleted(toolCallId: string, name: string, response: ToolResponse, latencyMs: number): void {
    this.publish(`tool:${toolCallId}:completed`, {
      type: 'tool.completed',
      toolCallId,
      name,
      ok: response.ok,
      ...(response.ok ? { result: response.result } : { error: response.error }),
      latencyMs: Math.max(0, latencyMs),
    });
  }

  usage(responseId: string, usage: ModelUsage): void {
    this.publish(`usage:${responseId}`, {
      type: 'usage',
      responseId,
      inputTextTokens: usage.input_token_details?.text_tokens ?? 0,
      inputAudioTokens: usage.input_token_details?.audio_tokens ?? 0,
      inputCachedTokens: usage.input_token_details?.cached_tokens ?? 0,
      outputTextTokens: usage.output_token_details?.text_tokens ?? 0,
      outputAudioTokens: usage.output_token_details?.audio_tokens ?? 0,
      totalTokens: usage.total_tokens ?? 0,
    });
  }

  /** `key` makes the id unique per sample (an item id, a call id, a counter). */
  latency(kind: LatencyKind, valueMs: number, key: string, itemId?: string): void {
    this.publish(`latency:${kind}:${key}`, {
      type: 'latency',
      kind,
      valueMs: Math.max(0, valueMs),
      ...(itemId ? { itemId } : {}),
    });
  }

  sessionRestored(reason: Payload<'session.restored'>['reason'], bridgeId: string, seq: number): void {
    this.publish(`restored:${this.counted(seq)}`, { type: 'session.restored', reason, bridgeId });
  }

  /** Once per session: a call is given up at most once. */
  sessionFailed(failure: Payload<'session.failed'>): void {
    this.publish(`failed:${this.counted(1)}`, { type: 'session.failed', ...failure });
  }

  private publish(key: string, body: EventBody): void {
    const event: CallEvent = {
      eventId: `${this.callSid}:${key}`,
      callSid: this.callSid,
      at: new Date().toISOString(),
      source: 'media-bridge',
      ...body,
    };
    this.outbox.publishCallEvent(event).catch((error: unknown) => {
      this.logger.error(
        { err: error, eventType: body.type, eventId: event.eventId },
        'call event not published',
      );
    });
  }
}
