import {
  type CallControlReply,
  callControlCommandSchema,
  callControlReplySchema,
  callSidSchema,
  decodeJson,
  encodeJson,
  queueGroups,
  subjects,
} from '@voice/shared/contracts';
import type { Logger } from '@voice/shared/logging';
import type { NatsConnection } from '@voice/shared/nats';
import type { CallCommandRunner } from './call-commands.js';

/** The subscription answering call-control commands; `stop` lets the ones in flight finish. */
export interface CallCommandServer {
  stop(): Promise<void>;
}

/**
 * Answers `calls.control.<callSid>` in the `call-control` queue group: any gateway reaches any
 * Twilio call over REST, so one instance takes each command. A malformed command is answered
 * `invalid`; every other one with what running it gave.
 */
export function serveCallCommands(
  nc: NatsConnection,
  run: CallCommandRunner,
  logger: Logger,
): CallCommandServer {
  const log = logger.child({ component: 'call-control' });
  const inFlight = new Set<Promise<void>>();
  const subscription = nc.subscribe(subjects.callControlAll, {
    queue: queueGroups.callControl,
    callback: (error, msg) => {
      if (error) {
        log.error({ err: error }, 'call-control subscription failed');
        return;
      }
      const work = answer(msg.subject, msg.data, run).then(
        (reply) => {
          msg.respond(encodeJson(callControlReplySchema, reply));
        },
        (failure: unknown) => log.error({ err: failure }, 'call-control command crashed'),
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  });
  return {
    async stop() {
      await subscription.drain();
      await Promise.all(inFlight);
    },
  };
}

async function answer(subject: string, data: Uint8Array, run: CallCommandRunner): Promise<CallControlReply> {
  const callSid = callSidSchema.safeParse(subject.slice(subjects.callControl('').length));
  const command = decodeJson(callControlCommandSchema, data, 'call-control command');
  if (!callSid.success) return invalid(`not a call's subject: ${subject}`);
  if (!command.ok) return invalid(command.error.message);
  return run(callSid.data, command.value);
}

function invalid(message: string): CallControlReply {
  return { ok: false, error: { code: 'invalid', message: message.slice(0, 500), retryable: false } };
}
