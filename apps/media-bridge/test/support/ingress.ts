import type { NatsConnection } from '@nats-io/nats-core';
import {
  type CallControlCommand,
  type CallControlError,
  type CallControlReply,
  callControlCommandSchema,
  callControlReplySchema,
  decodeJson,
  encodeJson,
  queueGroups,
  subjects,
} from '@voice/shared/contracts';

/** A command the ingress took, with its arrival time (`performance.now()`, as the fake gateway's). */
export interface TakenCommand {
  callSid: string;
  command: CallControlCommand;
  at: number;
}

/**
 * The ingress side of the call-control port, as strict as the gateway: a command that does not
 * parse is refused `invalid`; a call that ended is refused `call_gone` with Twilio's words; an
 * outage is refused `unavailable`. Only the commands it took are recorded, as the fake Twilio
 * REST API records only the updates it took.
 */
export class FakeIngress {
  readonly taken: TakenCommand[] = [];
  readonly refused: Array<{ callSid: string; error: CallControlError }> = [];
  private readonly ended = new Set<string>();
  private outages = 0;

  /** Answers every call's commands in the gateways' queue group. */
  async start(nc: NatsConnection): Promise<void> {
    nc.subscribe(subjects.callControlAll, {
      queue: queueGroups.callControl,
      callback: (_error, msg) => {
        const callSid = msg.subject.slice(subjects.callControl('').length);
        msg.respond(encodeJson(callControlReplySchema, this.take(callSid, msg.data)));
      },
    });
    await nc.flush();
  }

  /** The next `count` commands are refused as a carrier outage (retryable). */
  failNext(count: number): void {
    this.outages = count;
  }

  /** The call is over: every command for it is refused as Twilio refuses an update (21220). */
  endCall(callSid: string): void {
    this.ended.add(callSid);
  }

  commandsFor(callSid: string): TakenCommand[] {
    return this.taken.filter((t) => t.callSid === callSid);
  }

  refusalsFor(callSid: string): CallControlError[] {
    return this.refused.filter((r) => r.callSid === callSid).map((r) => r.error);
  }

  private take(callSid: string, data: Uint8Array): CallControlReply {
    const command = decodeJson(callControlCommandSchema, data, 'call-control command');
    if (!command.ok)
      return this.refuse(callSid, { code: 'invalid', message: command.error.message, retryable: false });
    if (this.ended.has(callSid)) {
      return this.refuse(callSid, {
        code: 'call_gone',
        message: 'twilio rejected the call update (21220)',
        retryable: false,
      });
    }
    if (this.outages > 0) {
      this.outages--;
      return this.refuse(callSid, {
        code: 'unavailable',
        message: 'twilio did not take the call update (503)',
        retryable: true,
      });
    }
    this.taken.push({ callSid, command: command.value, at: performance.now() });
    return { ok: true };
  }

  private refuse(callSid: string, error: CallControlError): CallControlReply {
    this.refused.push({ callSid, error });
    return { ok: false, error };
  }
}
