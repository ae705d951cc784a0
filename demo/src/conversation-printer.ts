import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  type CallEvent,
  callEventSchema,
  decodeJson,
  escalationStatusSchema,
  subjects,
} from '@voice/shared/contracts';
import { maskPhone } from '@voice/shared/logging';

const MAX_RESULT_CHARS = 140;

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}…` : text;
}

function describe(event: CallEvent): string | undefined {
  switch (event.type) {
    case 'call.started':
      return `call from ${maskPhone(event.from)} to ${event.to} (agent ${event.agentId ?? 'none'})`;
    case 'stream.started':
      return `media stream up, claimed by ${event.bridgeId}`;
    case 'transcript.turn': {
      const who = event.role === 'agent' ? 'Agent: ' : 'Caller:';
      const cut = event.interrupted ? `  [interrupted: heard ${Math.round(event.heardMs ?? 0)} ms]` : '';
      return `${who} ${event.text}${cut}`;
    }
    case 'tool.invoked':
      return `  tool → ${event.name} ${short(event.arguments)}`;
    case 'tool.completed':
      return event.ok
        ? `  tool ← ${event.name} ok in ${Math.round(event.latencyMs)} ms: ${short(event.result)}`
        : `  tool ← ${event.name} ${event.error?.code} in ${Math.round(event.latencyMs)} ms: ${event.error?.message}`;
    case 'latency':
      if (event.kind === 'setup')
        return `  (greeting audio ${Math.round(event.valueMs)} ms after the webhook)`;
      if (event.kind === 'turn')
        return `  (agent audio ${Math.round(event.valueMs)} ms after the caller stopped)`;
      if (event.kind === 'barge_in')
        return `  (cleared the agent ${Math.round(event.valueMs)} ms after speech began)`;
      return undefined;
    case 'dtmf':
      return `  caller pressed ${event.digit}`;
    case 'session.restored':
      return `  model session restored (${event.reason})`;
    case 'stream.ended':
      return `media stream ended (${event.reason})`;
    case 'call.ended':
      return `call ended: ${event.reason}${event.durationSeconds !== undefined ? ` after ${event.durationSeconds} s` : ''}`;
    default:
      return undefined;
  }
}

/** Prints the call's story as the services tell it (core NATS subscriptions to its events). */
export function printConversation(nc: NatsConnection, callSid: string, print: (line: string) => void) {
  let origin: number | undefined;
  const stamp = (at: string) => {
    const t = Date.parse(at);
    origin ??= t;
    return `[${((t - origin) / 1_000).toFixed(2).padStart(6)}s]`;
  };
  const subs: Subscription[] = [
    nc.subscribe(subjects.callEvents(callSid), {
      callback: (_err, msg) => {
        const event = decodeJson(callEventSchema, msg.data, 'call event');
        if (!event.ok) return;
        const line = describe(event.value);
        if (line) print(`${stamp(event.value.at)} ${line}`);
      },
    }),
    nc.subscribe(subjects.escalationStatus(callSid), {
      callback: (_err, msg) => {
        const status = decodeJson(escalationStatusSchema, msg.data, 'escalation status');
        if (status.ok)
          print(
            `${stamp(status.value.at)}   escalation: ${status.value.status} ${status.value.message ?? ''}`,
          );
      },
    }),
  ];
  return {
    stop: () => {
      for (const sub of subs) sub.unsubscribe();
    },
  };
}
